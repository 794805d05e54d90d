package dev.parley.presence;

import io.vertx.core.Future;

import java.util.List;
import java.util.UUID;

/**
 * Where presence state lives and where its transitions are decided, each one atomically (see
 * {@link RedisPresenceStore}). Devices are named {@code "user:device"} in {@link #due}.
 */
interface PresenceStore {
  /** Records a heartbeat; true when the user was offline until now. */
  Future<Boolean> beat(UUID user, UUID device, long deadlineMs);

  /** The socket closed: the device stays live until {@code deadlineMs} unless it beats again. */
  Future<Void> closed(UUID user, UUID device, long deadlineMs);

  /** Expires the device if its deadline passed; true when that made the user offline. */
  Future<Boolean> expire(UUID user, UUID device, long nowMs);

  /** Removes the device at once (logout); true when that made the user offline. */
  Future<Boolean> remove(UUID user, UUID device, long nowMs);

  /** Devices ({@code "user:device"}) whose deadline is at or before {@code nowMs}, at most {@code limit}. */
  Future<List<String>> due(long nowMs, int limit);

  /** For each user: online (any live device), last-seen ms (0 if never) and whether they hide it. */
  Future<List<State>> states(List<UUID> users);

  Future<Void> setHideLastSeen(UUID user, boolean hide);

  /** A user's presence as stored. */
  record State(UUID userId, boolean online, long lastSeenMs, boolean hidesLastSeen) {
  }
}
