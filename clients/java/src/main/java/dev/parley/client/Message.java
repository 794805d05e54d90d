package dev.parley.client;

import io.vertx.core.json.JsonObject;

import java.util.Base64;
import java.util.UUID;

/**
 * A message of a channel's history, verified: its seq follows the previous one and its hash chains onto the
 * previous hash. {@code own} marks messages this device sent (known from their ack, not received as {@code msg}).
 */
public record Message(UUID channelId, long seq, long msgId, byte[] hash, UUID senderUser, UUID senderDevice,
                      String clientMsgId, String kind, byte[] payload, long ts, boolean own) {

  static Message fromJson(JsonObject j) {
    Base64.Decoder b64 = Base64.getDecoder();
    return new Message(UUID.fromString(j.getString("channelId")), j.getLong("seq"), Long.parseLong(j.getString("msgId")),
        b64.decode(j.getString("hash")), UUID.fromString(j.getString("sender")),
        UUID.fromString(j.getString("senderDevice")), j.getString("clientMsgId"), j.getString("kind"),
        b64.decode(j.getString("payload")), j.getLong("ts"), false);
  }

  /** The hash this message must have, given the previous one. */
  byte[] expectedHash(byte[] previous) {
    return ChainHash.next(previous, seq, msgId, senderUser, senderDevice, kind, payload);
  }
}
