package dev.parley.gateway;

import dev.parley.protocol.PresenceFrames;
import dev.parley.shared.ErrorCode;
import dev.parley.shared.presence.PresenceAddresses;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Set;
import java.util.UUID;

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
    } catch (IllegalArgumentException e) {
      s.write(FrameException.errorFrame(ErrorCode.MALFORMED_FRAME, e.getMessage(), null).put("id", id));
      return;
    }
    boolean subscribe = type.equals("presence.subscribe");
    JsonObject request = new JsonObject().put("userId", s.userId.toString()).put("deviceId", s.deviceId.toString())
        .put("targets", users);
    eventBus.<JsonObject>request(subscribe ? PresenceAddresses.SUBSCRIBE : PresenceAddresses.UNSUBSCRIBE, request,
            new DeliveryOptions().setSendTimeout(TIMEOUT_MS))
        .onSuccess(reply -> s.write(subscribe
            ? PresenceFrames.subscribed(reply.body(), id) : PresenceFrames.unsubscribed(id)))
        .onFailure(err -> s.write(FrameException.errorFrame(code(err), message(err), null).put("id", id)));
  }

  private static JsonArray userIds(JsonObject frame, boolean optional) {
    Object value = frame.getValue("userIds");
    if (value == null && optional) {
      return new JsonArray();
    }
    if (!(value instanceof JsonArray array) || array.isEmpty() || array.size() > MAX_USERS) {
      throw new IllegalArgumentException("'userIds' must be an array of 1 to " + MAX_USERS + " user ids");
    }
    for (Object item : array) {
      if (!(item instanceof String text)) {
        throw new IllegalArgumentException("'userIds' must hold user id strings");
      }
      try {
        UUID.fromString(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("not a user id: " + text);
      }
    }
    return array;
  }

  private static ErrorCode code(Throwable err) {
    if (err instanceof ReplyException re && re.failureCode() == 429) {
      return ErrorCode.RATE_LIMITED;
    }
    if (err instanceof ReplyException re && re.failureCode() == 400) {
      return ErrorCode.MALFORMED_FRAME;
    }
    return ErrorCode.PRESENCE_UNAVAILABLE;
  }

  private static String message(Throwable err) {
    return err instanceof ReplyException re && (re.failureCode() == 429 || re.failureCode() == 400)
        ? re.getMessage() : "presence is unavailable right now; retry shortly";
  }
}
