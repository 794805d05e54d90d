package dev.parley.protocol;

import io.vertx.core.json.JsonObject;

import java.util.Base64;
import java.util.UUID;

/**
 * A stored message as clients see it (in {@code msg} frames and in history pages). The payload is opaque
 * (ciphertext); {@code msgId} travels as a decimal string because JSON numbers above 2^53 lose precision in
 * browsers. {@link #toJson} and {@link #fromJson} are the format's one writer and one reader; {@link #ackFrame} and
 * {@link #msgFrame} the only writers of those frames.
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

  /** Parses {@link #toJson}'s format (a {@code msg} frame or a history item); fails on missing or malformed fields. */
  public static Envelope fromJson(JsonObject j) {
    Base64.Decoder b64 = Base64.getDecoder();
    return new Envelope(UUID.fromString(j.getString("channelId")), j.getLong("seq"),
        Long.parseLong(j.getString("msgId")), b64.decode(j.getString("hash")), UUID.fromString(j.getString("sender")),
        UUID.fromString(j.getString("senderDevice")), j.getString("clientMsgId"), j.getString("kind"),
        b64.decode(j.getString("payload")), j.getLong("ts"));
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
