package dev.parley.message.mls;

import dev.parley.chatstate.LiveFrames;
import dev.parley.message.SendGate;
import dev.parley.message.Sequencer.Outcome;
import dev.parley.mls.PublicEpoch;
import dev.parley.protocol.Envelope;
import dev.parley.protocol.MlsFrames;
import dev.parley.protocol.SendRecord;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The message role as MLS Delivery Service (docs/e2ee.md): before a channel batch is sequenced it reads the sends as
 * MLS (off the event loop, like every Bouncy Castle call here: {@link Blocking} also holds BC's lock), the public state of the head's epoch (cached per channel, else PostgreSQL) and,
 * for commits, the members' devices and keys; {@link EpochRules} then decides send by send. Once the batch is
 * stored it records what accepted commits imply (the next epoch's GroupInfo + tree, the added devices' Welcomes)
 * and sends the live frames: a {@code welcome} to each added device, an {@code error} to each refused sender.
 */
public final class MlsGate implements SendGate {
  private static final Logger LOG = LoggerFactory.getLogger(MlsGate.class);
  private static final int MAX_CACHED = 10_000;

  /**
   * Runs Bouncy Castle work (parsing, tree hashes, signatures) off the event loop and under BC's process-wide lock
   * ({@code MlsSuite.exclusive}: BC's suite is one stateful instance).
   */
  public interface Blocking {
    <T> Future<T> run(Callable<T> task);
  }

  /** Pushes frames to live devices (best effort: a device offline now reads its inbox or history later). */
  public interface DeviceFrames {
    Future<Void> push(List<LiveFrames.Part> parts);
  }

  private final GroupStates groupStates;
  private final MemberKeys memberKeys;
  private final Function<UUID, Future<Set<UUID>>> memberDevices;
  private final DeviceFrames frames;
  private final Blocking blocking;
  private final boolean required;
  private final Map<UUID, PublicEpoch> latest = lru();
  /** The rules of each channel's batch being sequenced (one at a time per channel), for {@link #record}. */
  private final Map<UUID, Prepared> inFlight = lru();

  private record Prepared(List<SendRecord> sends, List<ParsedSend> parsed) {
  }

  public MlsGate(GroupStates groupStates, MemberKeys memberKeys, Function<UUID, Future<Set<UUID>>> memberDevices,
                 DeviceFrames frames, Blocking blocking, boolean required) {
    this.groupStates = groupStates;
    this.memberKeys = memberKeys;
    this.memberDevices = memberDevices;
    this.frames = frames;
    this.blocking = blocking;
    this.required = required;
  }

  @Override
  public Future<Decider> prepare(UUID channel, List<SendRecord> sends, long headEpoch) {
    boolean commits = sends.stream().anyMatch(s -> ParsedSend.COMMIT.equals(s.kind()));
    if (!commits && headEpoch == 0 && !required) {
      inFlight.remove(channel);
      return Future.succeededFuture((index, epoch) -> Decision.accept(epoch)); // no group yet: opaque payloads
    }
    Future<List<ParsedSend>> parsed = parse(sends);
    Future<PublicEpoch> state = stateOf(channel, headEpoch);
    Future<Map<UUID, byte[]>> keys = commits ? memberKeys.of(channel).recover(err -> {
      LOG.warn("channel {}: member keys not readable: {}", channel, err.toString());
      return Future.succeededFuture(null);
    }) : Future.succeededFuture(null);
    Future<Set<UUID>> devices = keys.compose(k -> k != null ? Future.succeededFuture(k.keySet())
        : headEpoch == 0 ? Future.succeededFuture(null) : memberDevices.apply(channel).recover(err -> {
          LOG.warn("channel {}: member devices not readable: {}", channel, err.toString());
          return Future.succeededFuture(null);
        }));
    return Future.all(parsed, state, devices).compose(v -> {
      inFlight.put(channel, new Prepared(sends, parsed.result()));
      EpochRules rules = new EpochRules(channel, sends, parsed.result(), required, headEpoch, state.result(),
          devices.result(), keys.result());
      return commits ? blocking.run(rules::verifySignatures) : Future.succeededFuture(rules);
    });
  }

  @Override
  public Future<Void> record(UUID channel, List<SendRecord> sends, List<Outcome> outcomes) {
    Prepared prepared = inFlight.remove(channel);
    List<LiveFrames.Part> parts = new ArrayList<>();
    List<Future<?>> writes = new ArrayList<>();
    for (int i = 0; i < outcomes.size(); i++) {
      Outcome o = outcomes.get(i);
      SendRecord send = sends.get(i);
      if (o.refused()) {
        parts.add(new LiveFrames.Part(o.refusal(), List.of(send.senderDevice())));
      } else if (ParsedSend.COMMIT.equals(send.kind()) && prepared != null && prepared.sends() == sends) {
        ParsedSend p = prepared.parsed().get(i);
        // A retry carrying other bytes under a stored clientMsgId is not the stored commit: it changes nothing.
        if (p != null && p.refusal() == null && Arrays.equals(o.envelope().payload(), send.payload())) {
          writes.add(recordCommit(channel, send, p, o, parts));
        }
      }
    }
    return Future.all(writes).onSuccess(v -> push(parts)).mapEmpty();
  }

  private Future<Void> recordCommit(UUID channel, SendRecord send, ParsedSend p, Outcome o,
                                    List<LiveFrames.Part> parts) {
    Envelope env = o.envelope();
    long epoch = p.commit().epoch() + 1;
    SendRecord.CommitParts c = send.commitParts();
    GroupStates.Accepted accepted = new GroupStates.Accepted(channel, epoch, env.seq(), send.senderDevice(),
        c.groupInfo(), c.ratchetTree(), c.welcome(), p.commit().addedDevices());
    return groupStates.record(accepted).map(welcomeIds -> {
      PublicEpoch cached = latest.get(channel);
      if (cached == null || cached.epoch() < epoch) {
        latest.put(channel, p.next());
      }
      if (!o.duplicate()) {
        welcomeIds.forEach((device, id) -> parts.add(new LiveFrames.Part(
            MlsFrames.welcome(id, channel, epoch, env.seq(), c.welcome()), List.of(device))));
      }
      return null;
    });
  }

  /** The public state of {@code epoch}: cached, else read from PostgreSQL; null at epoch 0 or when unreadable. */
  private Future<PublicEpoch> stateOf(UUID channel, long epoch) {
    if (epoch == 0) {
      return Future.succeededFuture(null);
    }
    PublicEpoch cached = latest.get(channel);
    if (cached != null && cached.epoch() == epoch) {
      return Future.succeededFuture(cached);
    }
    return groupStates.load(channel, epoch)
        .compose(stored -> stored == null ? Future.<PublicEpoch>succeededFuture(null)
            : blocking.run(() -> PublicEpoch.read(stored.groupInfo(), stored.ratchetTree())))
        .map(state -> {
          if (state != null) {
            latest.put(channel, state);
          } else {
            LOG.warn("channel {}: no stored GroupInfo for its epoch {}", channel, epoch);
          }
          return state;
        })
        .recover(err -> {
          LOG.warn("channel {}: state of epoch {} not readable: {}", channel, epoch, err.toString());
          return Future.succeededFuture(null);
        });
  }

  private Future<List<ParsedSend>> parse(List<SendRecord> sends) {
    Callable<List<ParsedSend>> all = () -> {
      List<ParsedSend> out = new ArrayList<>(sends.size());
      sends.forEach(s -> out.add(ParsedSend.of(s)));
      return out;
    };
    return blocking.run(all);
  }

  private void push(List<LiveFrames.Part> parts) {
    if (!parts.isEmpty()) {
      frames.push(parts).onFailure(err -> LOG.warn("MLS frames not delivered: {}", err.toString()));
    }
  }

  /** Forgets the cached states (another writer may have moved the channels on). */
  public void forget() {
    latest.clear();
  }

  /** The state this node last saw of {@code channel}, or null (for the removal notices). */
  PublicEpoch latestOf(UUID channel) {
    return latest.get(channel);
  }

  /** The device ids of a member-device list. */
  public static Set<UUID> devicesOf(List<dev.parley.shared.membership.Memberships.MemberDevice> list) {
    Set<UUID> out = new HashSet<>();
    list.forEach(d -> out.add(d.deviceId()));
    return out;
  }

  private static <K, V> Map<K, V> lru() {
    return new LinkedHashMap<>(1_024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > MAX_CACHED;
      }
    };
  }
}
