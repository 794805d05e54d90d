package dev.parley.client.e2ee;

import dev.parley.mls.DeviceKeyLog;
import dev.parley.mls.KeyDirectory;
import dev.parley.mls.MlsException;
import dev.parley.mls.SafetyNumbers;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The device keys this device trusts, learnt only from users' <em>verified</em> device-key logs: each fetch continues
 * from the last entry verified before (kept in the {@link StateDir}, so a server that later rewrites a user's history
 * is caught across restarts), must chain onto it, and is then applied to the key set. A change to a peer's key set
 * seen after the first fetch is reported as a {@link KeyChange} so the application can warn the user. Keys of removed
 * devices stay known (a group keeps a removed device's leaf until the commit that removes it), but a key once seen
 * for a device never changes: the log can only add or remove it.
 */
public final class PeerKeys implements KeyDirectory {

  /** A peer's key set changed: {@code entries} are the verified new log entries. */
  public record KeyChange(UUID userId, List<DeviceKeyLog.Entry> entries) {
  }

  private final KeyDirectoryApi api;
  private final StateDir state;
  private final Serial serial;
  private final UUID ownUserId;
  private final Map<UUID, byte[]> keys = new ConcurrentHashMap<>();
  private final Map<UUID, Map<UUID, byte[]>> activeByUser = new ConcurrentHashMap<>();
  private final Map<UUID, Future<Void>> inFlight = new ConcurrentHashMap<>();
  private volatile Consumer<KeyChange> changes = c -> { };

  PeerKeys(KeyDirectoryApi api, StateDir state, Serial serial, UUID ownUserId) {
    this.api = api;
    this.state = state;
    this.serial = serial;
    this.ownUserId = ownUserId;
    keys.putAll(state.readKnownKeys());
  }

  public void onKeyChange(Consumer<KeyChange> listener) {
    this.changes = listener;
  }

  @Override
  public Optional<byte[]> signatureKey(UUID deviceId) {
    return Optional.ofNullable(keys.get(deviceId)).map(byte[]::clone);
  }

  /** The active devices of {@code userId} as last verified (empty before the first refresh). */
  public Map<UUID, byte[]> activeDevices(UUID userId) {
    return Map.copyOf(activeByUser.getOrDefault(userId, Map.of()));
  }

  /** Fetches and verifies every user's whole log (first sight in this process) or what is new in it. */
  public Future<Void> refresh(String accessToken, List<UUID> userIds) {
    return Future.all(userIds.stream().distinct().map(u -> refresh(accessToken, u)).toList()).mapEmpty();
  }

  /**
   * One user's log. The whole log is read on first sight in this process (the key set is rebuilt from it) and
   * checked against the stored head: the entry at the stored seq must have the stored hash, else the server
   * rewrote history. Concurrent refreshes of one user share one fetch.
   */
  public Future<Void> refresh(String accessToken, UUID userId) {
    return inFlight.computeIfAbsent(userId, u -> api.deviceKeyLog(accessToken, u, 0)
        .compose(entries -> serial.run(() -> {
          apply(u, entries);
          return (Void) null;
        }))
        .eventually(() -> {
          inFlight.remove(u);
          return Future.succeededFuture();
        }));
  }

  /** The 60-digit number this user and {@code peer} compare (refresh both users first). */
  public String safetyNumber(UUID peer) {
    return SafetyNumbers.forPair(SafetyNumbers.forUser(ownUserId, activeDevices(ownUserId).values()),
        SafetyNumbers.forUser(peer, activeDevices(peer).values()));
  }

  private synchronized void apply(UUID userId, List<DeviceKeyLog.Entry> entries) {
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).seq() != i + 1) {
        throw new MlsException(MlsException.Reason.REJECTED, "device-key log of " + userId + " does not start at 1");
      }
    }
    DeviceKeyLog.verify(DeviceKeyLog.GENESIS, entries);
    Optional<StateDir.KeyLogHead> held = state.readKeyLogHead(userId);
    if (held.isPresent()) {
      StateDir.KeyLogHead head = held.get();
      if (head.seq() > entries.size() || !Arrays.equals(entries.get((int) head.seq() - 1).hash(), head.hash())) {
        throw new MlsException(MlsException.Reason.REJECTED, "device-key log of " + userId
            + " no longer contains the entry verified before at seq " + head.seq() + ": history was rewritten");
      }
    }
    Map<UUID, byte[]> active = new LinkedHashMap<>();
    int knownCount = keys.size();
    for (DeviceKeyLog.Entry entry : entries) {
      byte[] known = keys.putIfAbsent(entry.deviceId(), entry.signatureKey().clone());
      if (known != null && !Arrays.equals(known, entry.signatureKey())) {
        throw new MlsException(MlsException.Reason.KEY_MISMATCH, "device " + entry.deviceId() + " changed its key");
      }
      if (entry.action() == DeviceKeyLog.Action.ADDED) {
        active.put(entry.deviceId(), entry.signatureKey());
      } else {
        active.remove(entry.deviceId());
      }
    }
    activeByUser.put(userId, active);
    if (keys.size() != knownCount) {
      state.writeKnownKeys(new LinkedHashMap<>(keys));
    }
    long heldSeq = held.map(StateDir.KeyLogHead::seq).orElse(0L);
    if (entries.size() > heldSeq) {
      DeviceKeyLog.Entry last = entries.get(entries.size() - 1);
      state.writeKeyLogHead(userId, new StateDir.KeyLogHead(last.seq(), last.hash()));
      if (held.isPresent() && !userId.equals(ownUserId)) {
        changes.accept(new KeyChange(userId, new ArrayList<>(entries.subList((int) heldSeq, entries.size()))));
      }
    }
  }
}
