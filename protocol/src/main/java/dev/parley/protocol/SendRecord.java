package dev.parley.protocol;

import io.vertx.core.json.JsonObject;

import java.util.Base64;
import java.util.UUID;

/**
 * One accepted send as the gateway writes it to the Kafka message log (key: channel id). The gateway has already
 * checked the sender's token, membership, rate and sizes; the message role trusts these fields.
 *
 * @param gatewayNode the gateway that accepted it (diagnostics only: acks follow the device's live session)
 * @param receivedAt  epoch ms at the gateway
 */
public record SendRecord(UUID channelId, UUID senderUser, UUID senderDevice, String clientMsgId, String kind,
                         byte[] payload, String gatewayNode, long receivedAt) {

  public JsonObject toJson() {
    return new JsonObject().put("channelId", channelId.toString()).put("senderUser", senderUser.toString())
        .put("senderDevice", senderDevice.toString()).put("clientMsgId", clientMsgId).put("kind", kind)
        .put("payload", Base64.getEncoder().encodeToString(payload)).put("gatewayNode", gatewayNode)
        .put("receivedAt", receivedAt);
  }

  /** Parses a log record; throws {@link IllegalArgumentException} for anything malformed (a poison record). */
  public static SendRecord fromJson(JsonObject json) {
    try {
      return new SendRecord(UUID.fromString(json.getString("channelId")), UUID.fromString(json.getString("senderUser")),
          UUID.fromString(json.getString("senderDevice")), require(json, "clientMsgId"), require(json, "kind"),
          Base64.getDecoder().decode(require(json, "payload")), json.getString("gatewayNode", ""),
          json.getLong("receivedAt", 0L));
    } catch (NullPointerException | ClassCastException e) {
      throw new IllegalArgumentException("malformed send record: " + e.getMessage(), e);
    }
  }

  private static String require(JsonObject json, String key) {
    String value = json.getString(key);
    if (value == null) {
      throw new IllegalArgumentException("send record lacks " + key);
    }
    return value;
  }
}
