package dev.parley.client.e2ee;

import dev.parley.mls.ChannelSession;
import dev.parley.mls.CommitSummary;
import dev.parley.mls.Decrypted;
import dev.parley.mls.ExternalJoin;
import dev.parley.mls.HandledCommit;
import dev.parley.mls.MlsDevice;
import dev.parley.mls.MlsException;
import dev.parley.mls.PendingCommit;
import io.vertx.core.Future;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * This device's MLS sessions, one per channel, and every operation on them. Each operation runs on the device's
 * {@link Serial} queue and writes the channel's session snapshot before its Future completes — so a message is
 * sent, and a received one handed on, only once the state that produced it is on disk. Keys of devices a commit or
 * Welcome introduces are fetched (and their logs verified) first: the layer checks every leaf synchronously.
 */
public final class ChannelStates {

  /**
   * A commit ready to send (docs/e2ee.md §3), with the next epoch's GroupInfo and tree — all made on the serial
   * queue: signing the GroupInfo uses BC's shared signer.
   */
  public record BuiltCommit(byte[] commit, byte[] welcome, byte[] groupInfo, byte[] ratchetTree, long epoch) {
  }

  /** An external join ready to send: the commit, and the GroupInfo and tree of the epoch it leads to. */
  public record BuiltJoin(ExternalJoin join, byte[] groupInfo, byte[] ratchetTree) {
  }

  /** What handling a commit from the log did; {@code skipped}: it was older than the session (already applied). */
  public record CommitOutcome(boolean skipped, boolean noSession, HandledCommit handled) {
  }

  private final E2eeDevice device;
  private final MlsApi mls;
  private final Map<UUID, ChannelSession> sessions = new ConcurrentHashMap<>();

  ChannelStates(E2eeDevice device, MlsApi mls) {
    this.device = device;
    this.mls = mls;
  }

  MlsApi api() {
    return mls;
  }

  void restored(ChannelSession session) {
    sessions.put(session.channelId(), session);
  }

  public boolean has(UUID channelId) {
    ChannelSession s = sessions.get(channelId);
    return s != null && s.active();
  }

  /** The session's epoch, or -1 without an active session. */
  public long epoch(UUID channelId) {
    ChannelSession s = sessions.get(channelId);
    return s == null || !s.active() ? -1 : s.epoch();
  }

  public Optional<byte[]> epochAuthenticator(UUID channelId) {
    return Optional.ofNullable(sessions.get(channelId)).filter(ChannelSession::active)
        .map(ChannelSession::epochAuthenticator);
  }

  public List<UUID> members(UUID channelId) {
    ChannelSession s = sessions.get(channelId);
    return s == null ? List.of() : s.members();
  }

  public Future<byte[]> encrypt(UUID channelId, byte[] plaintext) {
    return device.serial.run(() -> {
      ChannelSession s = active(channelId);
      byte[] out = s.encrypt(plaintext);
      save(s);
      return out;
    });
  }

  public Future<Decrypted> decrypt(UUID channelId, byte[] message) {
    return device.serial.run(() -> {
      ChannelSession s = active(channelId);
      Decrypted out = s.decrypt(message);
      save(s);
      return out;
    });
  }

  /**
   * Applies a commit from the log. A commit older than the session's epoch was applied already (the Welcome or
   * external join this device entered by came after it) and is skipped; so is any commit while there is no session.
   * A foreign commit at epoch 0 while this device holds its own not-yet-accepted epoch-0 group means another
   * device's group won the creation: the local one is dropped.
   */
  public Future<CommitOutcome> handleCommit(UUID channelId, UUID senderUser, byte[] commit) {
    return device.serial.run(() -> precheck(channelId, commit)).compose(summary -> summary == null
        ? Future.succeededFuture(new CommitOutcome(true, !has(channelId), null))
        : needKeys(channelId, senderUser, summary).compose(v -> device.serial.run(() -> apply(channelId, commit))));
  }

  /** The commit's summary if it must be applied; null if it is to be skipped. */
  private CommitSummary precheck(UUID channelId, byte[] commit) {
    CommitSummary summary = CommitSummary.of(commit);
    ChannelSession s = sessions.get(channelId);
    return s == null || !s.active() || summary.epoch() < s.epoch() ? null : summary;
  }

  private CommitOutcome apply(UUID channelId, byte[] commit) {
    ChannelSession s = sessions.get(channelId);
    if (s == null || !s.active()) {
      return new CommitOutcome(true, true, null);
    }
    if (s.epoch() == 0 && (s.pending() == null || !java.util.Arrays.equals(s.pending().commit(), commit))) {
      drop(channelId);
      return new CommitOutcome(true, true, null);
    }
    HandledCommit handled = s.handle(commit);
    if (handled.removed()) {
      drop(channelId);
    } else {
      save(s);
    }
    return new CommitOutcome(false, false, handled);
  }

  private Future<Void> needKeys(UUID channelId, UUID senderUser, CommitSummary summary) {
    boolean missing = summary.addedDevices().stream().anyMatch(d -> device.keys.signatureKey(d).isEmpty())
        || (summary.joiningDevice() != null && device.keys.signatureKey(summary.joiningDevice()).isEmpty());
    return missing ? refreshMembers(channelId, senderUser).mapEmpty() : Future.succeededFuture();
  }

  /** Fetches and verifies the key logs of the channel's members (and {@code alsoUser}, may be null). */
  public Future<List<UUID>> refreshMembers(UUID channelId, UUID alsoUser) {
    return mls.members(channelId).compose(members -> {
      List<UUID> users = new java.util.ArrayList<>(members);
      if (alsoUser != null) {
        users.add(alsoUser);
      }
      return device.keys.refresh(device.options.accessToken(), users).map(members);
    });
  }

  /** Builds a commit on the channel's current epoch (the change decides what, from the session); saved pending. */
  public Future<BuiltCommit> build(UUID channelId, Function<ChannelSession, PendingCommit> change) {
    return device.serial.run(() -> {
      ChannelSession s = active(channelId);
      PendingCommit pending = change.apply(s);
      if (pending == null) {
        return null;
      }
      save(s);
      return new BuiltCommit(pending.commit(), pending.welcome(), pending.groupInfo(), pending.ratchetTree(),
          pending.epoch());
    });
  }

  /** A new local group (epoch 0) for a channel nobody has committed to yet. */
  public Future<Void> create(UUID channelId) {
    return device.serial.run(() -> {
      ChannelSession s = device.device.createGroup(channelId);
      sessions.put(channelId, s);
      save(s);
      return null;
    });
  }

  /** Joins from a Welcome; the tree is the one stored for the Welcome's epoch. */
  public Future<Void> joinFromWelcome(UUID channelId, byte[] welcome, byte[] ratchetTree) {
    return device.serial.run(() -> {
      ChannelSession s = device.device.joinFromWelcome(channelId, welcome, ratchetTree);
      sessions.put(channelId, s);
      save(s);
      device.state.writeDevice(device.device.snapshot());
      return null;
    });
  }

  /** Builds an external join; the session is kept but only saved once {@link #joined} says the DS accepted it. */
  public Future<BuiltJoin> joinExternally(UUID channelId, byte[] groupInfo, byte[] ratchetTree) {
    return device.serial.run(() -> {
      ExternalJoin join = device.device.joinExternally(channelId, groupInfo, ratchetTree);
      sessions.put(channelId, join.session());
      return new BuiltJoin(join, join.session().groupInfo(), join.session().ratchetTree());
    });
  }

  public Future<Void> joined(ExternalJoin join) {
    return device.serial.run(() -> {
      if (sessions.get(join.session().channelId()) == join.session()) {
        save(join.session());
      }
      return null;
    });
  }

  /** Forgets a channel's session (a lost creation race, a refused external join, this device removed). */
  public Future<Void> forget(UUID channelId) {
    return device.serial.run(() -> {
      drop(channelId);
      return null;
    });
  }

  /** The devices in the channel's group that are not active devices of {@code users} (their keys refreshed). */
  public List<UUID> strayDevices(UUID channelId, Collection<UUID> users) {
    java.util.Set<UUID> allowed = new java.util.HashSet<>();
    users.forEach(u -> allowed.addAll(device.keys.activeDevices(u).keySet()));
    return members(channelId).stream().filter(d -> !allowed.contains(d)).toList();
  }

  private ChannelSession active(UUID channelId) {
    ChannelSession s = sessions.get(channelId);
    if (s == null || !s.active()) {
      throw new MlsException(MlsException.Reason.NOT_A_MEMBER, "no MLS session for channel " + channelId);
    }
    return s;
  }

  private void save(ChannelSession s) {
    device.state.writeSession(s.channelId(), s.snapshot());
  }

  private void drop(UUID channelId) {
    sessions.remove(channelId);
    device.state.deleteSession(channelId);
  }
}
