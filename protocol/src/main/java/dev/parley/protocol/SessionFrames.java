package dev.parley.protocol;

import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * The gateway's own frames (docs/protocol.md, "Frames"): {@code ready}, {@code pong}, {@code reconnect} and
 * {@code error}. Each is written here and nowhere else.
 */
public final class SessionFrames {
  /** The value of {@code ready}'s {@code push} field for a disabled push registration. */
  public static final String PUSH_DISABLED = "disabled";

  private SessionFrames() {
  }

  /**
   * The answer to an opened socket and to {@code hello}. {@code heartbeatIntervalMs} is null when not announced
   * (the answer to {@code hello}).
   */
  public static JsonObject ready(UUID userId, UUID deviceId, String sessionId, String nodeId, int maxPayloadBytes,
                                 Long heartbeatIntervalMs) {
    return ready(userId, deviceId, sessionId, nodeId, maxPayloadBytes, heartbeatIntervalMs, null);
  }

  /**
   * The {@code ready} frame with the device's push registration state: {@code push} is {@link #PUSH_DISABLED} when
   * the device has a push registration the push role disabled (its token is dead: register again), and null —
   * the field left out — otherwise (no registration, an active one, or not known).
   */
  public static JsonObject ready(UUID userId, UUID deviceId, String sessionId, String nodeId, int maxPayloadBytes,
                                 Long heartbeatIntervalMs, String push) {
    JsonObject f = new JsonObject().put("type", "ready").put("userId", userId.toString())
        .put("deviceId", deviceId.toString()).put("sessionId", sessionId).put("nodeId", nodeId)
        .put("maxPayloadBytes", maxPayloadBytes);
    if (heartbeatIntervalMs != null) {
      f.put("heartbeatIntervalMs", heartbeatIntervalMs);
    }
    if (push != null) {
      f.put("push", push);
    }
    return f;
  }

  /** The answer to {@code ping}, echoing its {@code id} (any JSON value, or null). */
  public static JsonObject pong(Object id) {
    return new JsonObject().put("type", "pong").put("id", id);
  }

  /**
   * The answer to an {@code auth} frame: the socket now runs on the new access token, until {@code expiresAt}
   * (epoch seconds, the token's {@code exp}); {@code id} echoed (null: left out).
   */
  public static JsonObject authOk(long expiresAt, Object id) {
    JsonObject f = new JsonObject().put("type", "auth.ok").put("expiresAt", expiresAt);
    if (id != null) {
      f.put("id", id);
    }
    return f;
  }

  /** Tells the client to reconnect through discovery (e.g. {@code reason} "draining"). */
  public static JsonObject reconnect(String reason) {
    return new JsonObject().put("type", "reconnect").put("reason", reason);
  }

  /**
   * A refused frame: the stable {@code code} (the server's error-code enum, as text), a human message and, for a
   * refused send, its {@code clientMsgId} (null otherwise).
   */
  public static JsonObject error(String code, String message, String clientMsgId) {
    JsonObject frame = new JsonObject().put("type", "error").put("code", code).put("message", message);
    if (clientMsgId != null) {
      frame.put("clientMsgId", clientMsgId);
    }
    return frame;
  }
}
