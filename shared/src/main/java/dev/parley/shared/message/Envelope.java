package dev.parley.shared.message;

import io.vertx.core.json.JsonObject;

import java.util.Base64;
import java.util.UUID;

/**
 * A stored message as clients see it (in {@code msg} frames and in history pages). The payload is opaque
 * (ciphertext); {@code msgId} travels as a decimal string because JSON numbers above 2^53 lose precision in
 * browsers.
 */
public record Envelope(UUID channelId, long seq, long msgId, byte[] hash, UUID senderUser, UUID senderDevice,
                       String clientMsgId, String kind, byte[] payload, long ts) {

  public JsonObject toJson() {
    Base64.Encoder b64 = Base64.getEncoder();
    return new JsonObject().put("channelId", channelId.toString()).put("seq", seq).put("msgId", Long.toString(msgId))
        .put("hash", b64.encodeToString(hash)).put("sender", senderUser.toString())
        .put("senderDevice", senderDevice.toString()).put("clientMsgId", clientMsgId).put("kind", kind)
        .put("payload", b64.encodeToString(payload)).put("ts", ts);
  }

  /** The {@code ack} frame for the sending device. */
  public JsonObject ackFrame() {
    return new JsonObject().put("type", "ack").put("clientMsgId", clientMsgId).put("channelId", channelId.toString())
        .put("seq", seq).put("msgId", Long.toString(msgId)).put("hash", Base64.getEncoder().encodeToString(hash))
        .put("ts", ts);
  }

  /** The {@code msg} frame for every other device of every member. */
  public JsonObject msgFrame() {
    return toJson().put("type", "msg");
  }
}
