package dev.parley.message;

import dev.parley.shared.ids.MsgIdGenerator;
import dev.parley.protocol.ChainHash;
import dev.parley.protocol.Envelope;
import dev.parley.protocol.SendRecord;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Assigns each send its place in the channel's history: the next gapless seq, a fresh msgId and the chained hash,
 * then stores it (fenced by the conditional insert) — or recognises it as a retry of a send already stored.
 *
 * <p>A channel's sends of one poll are sequenced together: their dedup rows are looked up in parallel, the new ones
 * get consecutive seqs and go to Cassandra in one conditional batch per {@code (channel, bucket)} partition (one
 * Paxos round instead of one per message). A refused batch means the cached head was stale (a zombie, or a writer
 * that lost its partition): the head is dropped and re-read, and the sends not stored yet are decided again.
 * Callers run one channel's batches strictly one after another (the consumer loop does). Event-loop only.
 *
 * <p>Every head this sequencer stored is also kept as the channel's <em>floor</em> ({@link Heads}), which outlives
 * {@link #forgetHeads()}: a reloaded head below it means the store lost acknowledged rows, and the sequencer
 * continues from the floor — leaving a gap that clients see — rather than hand out a seq twice.
 *
 * <p>Each fresh send is first put to the {@link SendGate} with the MLS epoch the head has reached so far: a refused
 * send gets no seq (and is not recorded under its clientMsgId), an accepted commit moves the epoch on. The epoch is
 * part of the head, stored with the hint and fenced by the same conditional insert.
 */
public final class Sequencer {
  private static final Logger LOG = LoggerFactory.getLogger(Sequencer.class);
  private static final int MAX_CONFLICTS = 3;

  /**
   * The stored message, and whether this send was a retry of one stored earlier (then nothing new was written); or,
   * for a send the gate refused, no envelope and the error frame for its sender.
   */
  public record Outcome(Envelope envelope, boolean duplicate, JsonObject refusal) {
    public Outcome(Envelope envelope, boolean duplicate) {
      this(envelope, duplicate, null);
    }

    public boolean refused() {
      return refusal != null;
    }
  }

  /**
   * A channel's sends sequenced together: their outcomes (known once the message rows are stored, so fan-out can
   * start), then the writes of their dedup rows ({@code recorded}: the channel's next batch must wait for them, its
   * dedup lookups read them) and, after those, of the head hint ({@code hinted}: the offset commit waits for it;
   * a later batch need not, a stale hint is only rolled forward).
   */
  public record Batch(List<Outcome> outcomes, Future<Void> recorded, Future<Void> hinted) {
  }

  private record SendKey(UUID device, String clientMsgId) {
  }

  /** One call's state: its sends, their outcomes as they are decided, and its dedup/head writes in flight. */
  private record Call(UUID channel, List<SendRecord> sends, Outcome[] out, List<Future<Void>> recordings,
                      List<Future<Void>> hints) {
  }

  private final SequencerStore store;
  private final MsgIdGenerator ids;
  private final Clock clock;
  private final SendGate gate;
  private final Heads heads;
  public Sequencer(SequencerStore store, MsgIdGenerator ids, Clock clock) {
    this(store, ids, clock, SendGate.OPEN);
  }

  public Sequencer(SequencerStore store, MsgIdGenerator ids, Clock clock, SendGate gate) {
    this.store = store;
    this.ids = ids;
    this.clock = clock;
    this.gate = gate;
    this.heads = new Heads(store);
  }

  /** Forgets every cached head (partitions moved: another writer may have advanced them). */
  public void forgetHeads() {
    heads.forget();
  }

  /**
   * Sequences sends of one channel, in log order; one outcome per send, in the same order. A send repeated inside
   * the list (a client retry that landed in the same poll) is stored once: later copies are duplicates of the first.
   * The outcomes are known once the message rows are stored (the commit point); the dedup and head writes follow.
   */
  public Future<Batch> sequence(List<SendRecord> sends) {
    if (sends.isEmpty()) {
      return Future.succeededFuture(new Batch(List.of(), Future.succeededFuture(), Future.succeededFuture()));
    }
    UUID channel = sends.get(0).channelId();
    int[] firstCopy = new int[sends.size()];
    List<Integer> distinct = new ArrayList<>(sends.size());
    Map<SendKey, Integer> seen = new HashMap<>();
    for (int i = 0; i < sends.size(); i++) {
      SendRecord s = sends.get(i);
      if (!s.channelId().equals(channel)) {
        throw new IllegalArgumentException("sends of one call must share a channel");
      }
      Integer first = seen.putIfAbsent(new SendKey(s.senderDevice(), s.clientMsgId()), i);
      firstCopy[i] = first == null ? i : first;
      if (first == null) {
        distinct.add(i);
      }
    }
    Call call = new Call(channel, sends, new Outcome[sends.size()], new ArrayList<>(), new ArrayList<>());
    Outcome[] out = call.out();
    return attempt(call, distinct, 0).map(v -> {
      for (int i = 0; i < out.length; i++) {
        if (firstCopy[i] != i) {
          Outcome first = out[firstCopy[i]];
          out[i] = first.refused() ? first : new Outcome(first.envelope(), true);
        }
      }
      List<Outcome> outcomes = Arrays.asList(out);
      Future<Void> recorded = Future.all(call.recordings()).mapEmpty();
      return new Batch(outcomes, Future.all(recorded, gate.record(channel, sends, outcomes)).mapEmpty(),
          Future.all(call.hints()).mapEmpty());
    }).recover(err -> Future.join(call.recordings()).transform(x -> Future.failedFuture(err)));
  }

  /** Decides {@code pending} (indexes into {@code sends}, distinct keys, log order) and fills their outcomes. */
  private Future<Void> attempt(Call call, List<Integer> pending, int conflicts) {
    UUID channel = call.channel();
    return heads.of(channel).compose(head -> {
      Future<List<Long>> lookups = lookUpDuplicates(channel, call.sends(), pending);
      Future<SendGate.Decider> decider = gate.prepare(channel, call.sends(), head.epoch());
      return Future.all(lookups, decider)
          .compose(v -> decide(call, pending, lookups.result(), head, conflicts, decider.result()));
    });
  }

  private Future<Void> decide(Call call, List<Integer> pending, List<Long> dupSeqs, MessageStore.Head head,
                              int conflicts, SendGate.Decider decider) {
    Outcome[] out = call.out();
    List<Future<?>> done = new ArrayList<>();
    List<Integer> fresh = new ArrayList<>(pending.size());
    for (int k = 0; k < pending.size(); k++) {
      int index = pending.get(k);
      Long seq = dupSeqs.get(k);
      if (seq == null) {
        fresh.add(index);
      } else {
        done.add(duplicate(call.channel(), seq).map(env -> out[index] = new Outcome(env, true)));
      }
    }
    if (!fresh.isEmpty()) {
      done.add(append(call, fresh, head, conflicts, decider));
    }
    return Future.all(done).mapEmpty();
  }

  private Future<List<Long>> lookUpDuplicates(UUID channel, List<SendRecord> sends, List<Integer> pending) {
    List<Future<Long>> lookups = new ArrayList<>(pending.size());
    for (int index : pending) {
      SendRecord s = sends.get(index);
      lookups.add(store.findDuplicate(channel, s.senderDevice(), s.clientMsgId()));
    }
    return Future.all(lookups).map(all -> {
      List<Long> seqs = new ArrayList<>(lookups.size());
      lookups.forEach(f -> seqs.add(f.result()));
      return seqs;
    });
  }

  private Future<Envelope> duplicate(UUID channel, long seq) {
    return store.read(channel, seq).compose(env -> env == null
        ? Future.failedFuture(new IllegalStateException("dedup row of channel " + channel + " points at seq "
            + seq + " which is not stored"))
        : Future.succeededFuture(env));
  }

  private Future<Void> append(Call call, List<Integer> fresh, MessageStore.Head head, int conflicts,
                              SendGate.Decider decider) {
    UUID channel = call.channel();
    List<SendRecord> sends = call.sends();
    Outcome[] out = call.out();
    List<Envelope> envs = new ArrayList<>(fresh.size());
    List<Integer> accepted = new ArrayList<>(fresh.size());
    List<Long> epochs = new ArrayList<>(fresh.size());
    long seq = head.lastSeq();
    byte[] hash = head.lastHash();
    long epoch = head.epoch();
    for (int index : fresh) {
      SendGate.Decision decision = decider.decide(index, epoch);
      if (!decision.accepted()) {
        out[index] = new Outcome(null, false, decision.refusal());
        continue;
      }
      SendRecord s = sends.get(index);
      epoch = decision.epochAfter();
      seq++;
      long msgId = ids.next();
      hash = ChainHash.next(hash, seq, msgId, s.senderUser(), s.senderDevice(), s.kind(), s.payload());
      envs.add(new Envelope(channel, seq, msgId, hash, s.senderUser(), s.senderDevice(), s.clientMsgId(), s.kind(),
          s.payload(), clock.millis()));
      accepted.add(index);
      epochs.add(epoch);
    }
    return insertByPartition(envs, 0).compose(stored -> {
      for (int k = 0; k < stored; k++) {
        out[accepted.get(k)] = new Outcome(envs.get(k), false);
      }
      if (stored > 0) {
        Envelope last = envs.get(stored - 1);
        MessageStore.Head newHead = new MessageStore.Head(last.seq(), last.hash(), epochs.get(stored - 1));
        heads.stored(channel, newHead);
        Future<Void> dedup = store.writeDedup(envs.subList(0, stored));
        call.recordings().add(dedup);
        call.hints().add(dedup.compose(v -> store.advanceHead(last, newHead.epoch())));
      }
      if (stored == envs.size()) {
        return Future.succeededFuture();
      }
      // Another writer stored one of these seqs: our head was stale (we may be a zombie). Reload and decide the rest
      // again (the epoch too); the reload re-creates dedup rows, so a send that writer already stored is recognised
      // as a duplicate.
      heads.drop(channel);
      LOG.warn("channel {}: seq {} already taken by another writer (conflict {}); reloading the head",
          channel, envs.get(stored).seq(), conflicts + 1);
      if (conflicts + 1 >= MAX_CONFLICTS) {
        return Future.failedFuture(new IllegalStateException("channel " + channel + ": " + MAX_CONFLICTS
            + " seq conflicts in a row; another writer is active"));
      }
      int cut = stored == 0 ? 0 : fresh.indexOf(accepted.get(stored - 1)) + 1;
      return attempt(call, fresh.subList(cut, fresh.size()), conflicts + 1);
    });
  }

  /**
   * Inserts {@code envs[from..]} one conditional batch per bucket, in seq order, stopping at the first refused
   * batch; the result is how many were stored (a prefix: a refused batch stored none of its rows).
   */
  private Future<Integer> insertByPartition(List<Envelope> envs, int from) {
    if (from == envs.size()) {
      return Future.succeededFuture(from);
    }
    int bucket = store.bucketOf(envs.get(from).seq());
    int to = from;
    while (to < envs.size() && store.bucketOf(envs.get(to).seq()) == bucket) {
      to++;
    }
    int end = to;
    return store.insertIfAbsent(envs.subList(from, end))
        .compose(applied -> applied ? insertByPartition(envs, end) : Future.succeededFuture(from));
  }
}
