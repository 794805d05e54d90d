package dev.parley.gateway;

import dev.parley.protocol.PresenceFrames;
import dev.parley.shared.ErrorCode;
import dev.parley.shared.EventBusRefusals;
import dev.parley.shared.Refusal;
import dev.parley.shared.ids.Ids;
import dev.parley.shared.presence.PresenceAddresses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;

/**
 * The presence frames a client sends (docs/protocol.md, "Presence"): {@code presence.subscribe} and
 * {@code presence.unsubscribe}, forwarded to the presence role. Only users who share a channel with the device's
 * user are accepted; the others come back in {@code denied}. Refusals are error frames; the socket stays open.
 */
final class PresenceFrameHandler {
  static final Set<String> TYPES = Set.of("presence.subscribe", "presence.unsubscribe");
  static final int MAX_USERS = 500;
  private static final long TIMEOUT_MS = 5_000;
  private static final Logger LOG = LoggerFactory.getLogger(PresenceFrameHandler.class);

  private final EventBus eventBus;

  PresenceFrameHandler(EventBus eventBus) {
    this.eventBus = eventBus;
  }

  void onFrame(Session s, String type, JsonObject frame) {
    Object id = frame.getValue("id");
    JsonArray users;
    try {
      users = userIds(frame, type.equals("presence.unsubscribe"));
    } catch (Refusal r) {
      s.write(ErrorFrames.echo(ErrorFrames.of(r), frame, "id"));
      return;
    }
    boolean subscribe = type.equals("presence.subscribe");
    JsonObject request = new JsonObject().put("userId", s.userId.toString()).put("deviceId", s.deviceId.toString())
        .put("targets", users);
    eventBus.<JsonObject>request(subscribe ? PresenceAddresses.SUBSCRIBE : PresenceAddresses.UNSUBSCRIBE, request,
            new DeliveryOptions().setSendTimeout(TIMEOUT_MS))
        .onSuccess(reply -> {
          remember(s, subscribe, users, reply.body());
          s.write(subscribe ? PresenceFrames.subscribed(reply.body(), id) : PresenceFrames.unsubscribed(id));
        })
        .onFailure(err -> s.write(ErrorFrames.echo(ErrorFrames.of(EventBusRefusals.decode(err,
            ErrorCode.PRESENCE_UNAVAILABLE, "presence is unavailable right now; retry shortly")), frame, "id")));
  }

  /** Keeps the session's accepted targets in step with what the presence role stores for it. */
  private static void remember(Session s, boolean subscribe, JsonArray users, JsonObject reply) {
    if (!subscribe) {
      if (users.isEmpty()) {
        s.presenceTargets.clear();
      } else {
        users.forEach(s.presenceTargets::remove);
      }
      return;
    }
    JsonArray accepted = reply == null ? null : reply.getJsonArray("accepted");
    if (accepted != null) {
      accepted.forEach(state -> {
        if (state instanceof JsonObject o && o.getString("userId") != null) {
          s.presenceTargets.add(o.getString("userId"));
        }
      });
    }
  }

  /**
   * Subscribes the session's watched users again (after a Redis restart lost the presence role's subscriptions);
   * the answer is not sent to the client, which already holds these subscriptions. A failure is logged only: the
   * client re-subscribes on its next connect.
   */
  Future<Void> reassert(Session s) {
    if (s.presenceTargets.isEmpty()) {
      return Future.succeededFuture();
    }
    JsonObject request = new JsonObject().put("userId", s.userId.toString()).put("deviceId", s.deviceId.toString())
        .put("targets", new JsonArray(List.copyOf(s.presenceTargets)));
    return eventBus.<JsonObject>request(PresenceAddresses.SUBSCRIBE, request,
            new DeliveryOptions().setSendTimeout(TIMEOUT_MS))
        .<Void>mapEmpty()
        .onFailure(err -> LOG.warn("device {}: presence subscriptions not re-asserted: {}", s.deviceId,
            err.toString()));
  }

  private static JsonArray userIds(JsonObject frame, boolean optional) {
    Object value = frame.getValue("userIds");
    if (value == null && optional) {
      return new JsonArray();
    }
    if (!(value instanceof JsonArray array) || array.isEmpty() || array.size() > MAX_USERS) {
      throw new Refusal(ErrorCode.MALFORMED_FRAME, "userIds", "'userIds' must be an array of 1 to " + MAX_USERS
          + " user ids");
    }
    for (Object item : array) {
      if (!Ids.isCanonical(item instanceof String text ? text : null)) {
        throw new Refusal(ErrorCode.MALFORMED_FRAME, "userIds", "'userIds' must hold user ids (canonical UUIDs)");
      }
    }
    return array;
  }

}
