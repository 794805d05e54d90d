package dev.parley.presence;

import io.vertx.core.Future;

import java.util.Set;
import java.util.UUID;

/** Which of {@code others} share a channel with {@code user}; in production one PostgreSQL query. */
@FunctionalInterface
interface CoMembers {
  Future<Set<UUID>> of(UUID user, Set<UUID> others);
}
