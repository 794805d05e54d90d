package dev.parley.protocol;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.UUID;

/** The presence frames the server writes (docs/protocol.md, "Presence"). */
public final class PresenceFrames {
  private PresenceFrames() {
  }

  /** A user's presence; {@code lastSeenMs} null leaves {@code lastSeen} out (online, or hidden). */
  public static JsonObject presence(UUID userId, boolean online, Long lastSeenMs) {
    JsonObject frame = new JsonObject().put("type", "presence").put("userId", userId.toString()).put("online", online);
    if (lastSeenMs != null) {
      frame.put("lastSeen", Instant.ofEpochMilli(lastSeenMs).toString());
    }
    return frame;
  }

  /** The answer to {@code presence.subscribe}: the presence role's reply body, typed and tagged with the request id. */
  public static JsonObject subscribed(JsonObject reply, Object id) {
    return reply.copy().put("type", "presence.subscribed").put("id", id);
  }

  /** The answer to {@code presence.unsubscribe}. */
  public static JsonObject unsubscribed(Object id) {
    return new JsonObject().put("type", "presence.unsubscribed").put("id", id);
  }
}
