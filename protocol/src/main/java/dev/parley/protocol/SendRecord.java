package dev.parley.protocol;

import io.vertx.core.json.JsonObject;

import java.util.Base64;
import java.util.UUID;

/**
 * One accepted send as the gateway writes it to the Kafka message log (key: channel id). The gateway has already
 * checked the sender's token, membership, rate and sizes; the message role trusts these fields (the MLS content of
 * the payload and of {@code commitParts} it checks itself, docs/e2ee.md).
 *
 * @param gatewayNode the gateway that accepted it (diagnostics only: acks follow the device's live session)
 * @param receivedAt  epoch ms at the gateway
 * @param commitParts what a {@code commit} send carries besides the commit (null for other kinds)
 */
public record SendRecord(UUID channelId, UUID senderUser, UUID senderDevice, String clientMsgId, String kind,
                         byte[] payload, String gatewayNode, long receivedAt, CommitParts commitParts) {

  /**
   * The parts of an MLS commit send that do not go on the log: the Welcome for the added devices (null when it adds
   * nobody), and the GroupInfo and ratchet tree of the epoch the commit leads to.
   */
  public record CommitParts(byte[] welcome, byte[] groupInfo, byte[] ratchetTree) {
  }

  /** A send without commit parts. */
  public SendRecord(UUID channelId, UUID senderUser, UUID senderDevice, String clientMsgId, String kind,
                    byte[] payload, String gatewayNode, long receivedAt) {
    this(channelId, senderUser, senderDevice, clientMsgId, kind, payload, gatewayNode, receivedAt, null);
  }

  public JsonObject toJson() {
    Base64.Encoder b64 = Base64.getEncoder();
    JsonObject json = new JsonObject().put("channelId", channelId.toString()).put("senderUser", senderUser.toString())
        .put("senderDevice", senderDevice.toString()).put("clientMsgId", clientMsgId).put("kind", kind)
        .put("payload", b64.encodeToString(payload)).put("gatewayNode", gatewayNode)
        .put("receivedAt", receivedAt);
    if (commitParts != null) {
      if (commitParts.welcome() != null) {
        json.put("welcome", b64.encodeToString(commitParts.welcome()));
      }
      json.put("groupInfo", b64.encodeToString(commitParts.groupInfo()))
          .put("ratchetTree", b64.encodeToString(commitParts.ratchetTree()));
    }
    return json;
  }

  /** Parses a log record; throws {@link IllegalArgumentException} for anything malformed (a poison record). */
  public static SendRecord fromJson(JsonObject json) {
    try {
      Base64.Decoder b64 = Base64.getDecoder();
      CommitParts parts = null;
      if (json.containsKey("groupInfo")) {
        String welcome = json.getString("welcome");
        parts = new CommitParts(welcome == null ? null : b64.decode(welcome),
            b64.decode(require(json, "groupInfo")), b64.decode(require(json, "ratchetTree")));
      }
      return new SendRecord(UUID.fromString(json.getString("channelId")), UUID.fromString(json.getString("senderUser")),
          UUID.fromString(json.getString("senderDevice")), require(json, "clientMsgId"), require(json, "kind"),
          b64.decode(require(json, "payload")), json.getString("gatewayNode", ""),
          json.getLong("receivedAt", 0L), parts);
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
