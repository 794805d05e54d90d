package dev.parley.client.media;

import io.vertx.core.json.JsonObject;

import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/**
 * What a sender puts inside the (end-to-end encrypted) message so the recipients can fetch and open a file: the
 * attachment id, the file key, and the ciphertext's SHA-256 and size. The server sees the id only; the key must
 * never travel outside an encrypted message.
 */
public record Attachment(UUID mediaId, UUID channelId, byte[] key, byte[] sha256, long size, long plaintextSize) {

  public String sha256Hex() {
    return HexFormat.of().formatHex(sha256);
  }

  public JsonObject toJson() {
    return new JsonObject().put("mediaId", mediaId.toString()).put("channelId", channelId.toString())
        .put("key", Base64.getEncoder().encodeToString(key)).put("sha256", sha256Hex()).put("size", size)
        .put("plaintextSize", plaintextSize);
  }

  public static Attachment fromJson(JsonObject json) {
    return new Attachment(UUID.fromString(json.getString("mediaId")), UUID.fromString(json.getString("channelId")),
        Base64.getDecoder().decode(json.getString("key")), HexFormat.of().parseHex(json.getString("sha256")),
        json.getLong("size"), json.getLong("plaintextSize"));
  }
}
