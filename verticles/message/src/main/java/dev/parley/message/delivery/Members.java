package dev.parley.message.delivery;

import dev.parley.shared.membership.Memberships.MemberDevice;
import io.vertx.core.Future;

import java.util.List;
import java.util.UUID;

/** Who is in a channel: every non-revoked device of every member (a cached directory in production). */
@FunctionalInterface
public interface Members {
  Future<List<MemberDevice>> devicesOf(UUID channelId);
}
