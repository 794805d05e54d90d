package dev.parley.client;

import dev.parley.protocol.ChainHash;
import dev.parley.protocol.Envelope;
import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * A message of a channel's history, verified: its seq follows the previous one and its hash chains onto the
 * previous hash. {@code own} marks messages this device sent (known from their ack, not received as {@code msg}).
 */
public record Message(UUID channelId, long seq, long msgId, byte[] hash, UUID senderUser, UUID senderDevice,
                      String clientMsgId, String kind, byte[] payload, long ts, boolean own) {

  static Message fromJson(JsonObject j) {
    Envelope e = Envelope.fromJson(j);
    return new Message(e.channelId(), e.seq(), e.msgId(), e.hash(), e.senderUser(), e.senderDevice(), e.clientMsgId(),
        e.kind(), e.payload(), e.ts(), false);
  }

  /** The hash this message must have, given the previous one. */
  byte[] expectedHash(byte[] previous) {
    return ChainHash.next(previous, seq, msgId, senderUser, senderDevice, kind, payload);
  }
}
