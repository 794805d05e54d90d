package dev.parley.api.realtime;

import dev.parley.shared.EventBusRefusals;
import dev.parley.shared.Refusal;
import dev.parley.proto.presence.v1.GetPresenceRequest;
import dev.parley.proto.presence.v1.PresenceGrpcClient;
import dev.parley.proto.presence.v1.UserPresence;
import dev.parley.shared.ErrorCode;
import dev.parley.shared.membership.Memberships;
import dev.parley.shared.presence.PresenceAddresses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Presence for clients: only of users who share a channel with the caller (or the caller), fetched from the
 * presence role over gRPC; and the caller's last-seen privacy setting.
 */
public final class PresenceQuery {
  public static final int MAX_USERS = 100;

  private final Pool pg;
  private final PresenceGrpcClient presence;
  private final EventBus eventBus;
  private final long timeoutMs;

  public PresenceQuery(Pool pg, PresenceGrpcClient presence, EventBus eventBus, long timeoutMs) {
    this.pg = pg;
    this.presence = presence;
    this.eventBus = eventBus;
    this.timeoutMs = timeoutMs;
  }

  /** {@code {"users":[{"userId","online","lastSeen"?}]}}; 403 {@code not_a_member} when any user is a stranger. */
  public Future<JsonObject> states(UUID caller, List<UUID> users) {
    Set<UUID> others = new HashSet<>(users);
    others.remove(caller);
    Future<Set<UUID>> allowed = Memberships.sharingAChannel(pg, caller, others);
    return allowed.compose(ok -> {
      if (!ok.containsAll(others)) {
        return Future.failedFuture(Refusal.of(ErrorCode.NOT_A_MEMBER,
            "presence is visible only for users who share a channel with you"));
      }
      GetPresenceRequest.Builder request = GetPresenceRequest.newBuilder().setViewerUserId(caller.toString());
      users.forEach(u -> request.addUserIds(u.toString()));
      return presence.getPresence(request.build())
          .recover(err -> Future.failedFuture(Refusal.of(ErrorCode.PRESENCE_UNAVAILABLE,
              "presence is unavailable right now; retry shortly")));
    }).map(response -> {
      JsonArray out = new JsonArray();
      for (UserPresence p : response.getUsersList()) {
        JsonObject user = new JsonObject().put("userId", p.getUserId()).put("online", p.getOnline());
        if (p.getLastSeenMs() > 0) {
          user.put("lastSeen", Instant.ofEpochMilli(p.getLastSeenMs()).toString());
        }
        out.add(user);
      }
      return new JsonObject().put("users", out);
    });
  }

  /** A device logged out: offline at once, not after the grace period (fire and forget, like a gateway's report). */
  public void loggedOut(UUID user, UUID device) {
    eventBus.send(PresenceAddresses.EVENTS, new JsonObject().put("gateway", "api").put("events", new JsonArray()
        .add(new JsonObject().put("u", user.toString()).put("d", device.toString()).put("t", "logout"))));
  }

  /** Whether others may see the caller's last-seen time. */
  public Future<JsonObject> setHideLastSeen(UUID caller, boolean hide) {
    return eventBus.<JsonObject>request(PresenceAddresses.PRIVACY,
            new JsonObject().put("userId", caller.toString()).put("hideLastSeen", hide),
            new DeliveryOptions().setSendTimeout(timeoutMs))
        .map(reply -> new JsonObject().put("hideLastSeen", hide))
        .recover(err -> Future.failedFuture(EventBusRefusals.decode(err, ErrorCode.PRESENCE_UNAVAILABLE,
            "presence is unavailable right now; retry shortly")));
  }
}
