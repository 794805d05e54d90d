package dev.parley.presence;

import io.vertx.core.Future;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** Who watches whose presence, kept in both directions (see {@link RedisSubscriptions}). */
interface Subscriptions {
  /** How many users the device watches. */
  Future<Integer> count(UUID device);

  Future<Void> add(UUID device, Collection<UUID> targets);

  /** Removes the given subscriptions of the device, or all of them when {@code targets} is empty. */
  Future<Void> remove(UUID device, Collection<UUID> targets);

  /** The devices watching {@code target}. */
  Future<List<UUID>> watchers(UUID target);
}
