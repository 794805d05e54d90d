package dev.parley.gateway;

import dev.parley.protocol.PresenceFrames;
import dev.parley.shared.ErrorCode;
import dev.parley.shared.EventBusRefusals;
import dev.parley.shared.Refusal;
import dev.parley.shared.ids.Ids;
import dev.parley.shared.presence.PresenceAddresses;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

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
        .onSuccess(reply -> s.write(subscribe
            ? PresenceFrames.subscribed(reply.body(), id) : PresenceFrames.unsubscribed(id)))
        .onFailure(err -> s.write(ErrorFrames.echo(ErrorFrames.of(EventBusRefusals.decode(err,
            ErrorCode.PRESENCE_UNAVAILABLE, "presence is unavailable right now; retry shortly")), frame, "id")));
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
