package dev.parley.api.media;

import dev.parley.api.media.storage.MediaStorage.Progress;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.UUID;

/** One attachment's metadata row ({@code media} table). */
public record Media(UUID id, UUID ownerId, UUID channelId, long size, byte[] sha256, String state, long received,
                    String storageState, Instant writerUntil, Instant createdAt, Instant completedAt, Long boundSeq) {

  public static final String UPLOADING = "uploading";
  public static final String READY = "ready";
  public static final String DELETING = "deleting";

  static Media from(Row row) {
    return new Media(row.getUUID("id"), row.getUUID("owner_id"), row.getUUID("channel_id"), row.getLong("size"),
        row.getBuffer("sha256").getBytes(), row.getString("state"), row.getLong("received"),
        row.getString("storage_state"), instant(row.getOffsetDateTime("writer_until")),
        instant(row.getOffsetDateTime("created_at")), instant(row.getOffsetDateTime("completed_at")),
        row.getLong("bound_seq"));
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }

  /** The storage key: the id itself, which storage re-validates. */
  public String key() {
    return id.toString();
  }

  public Progress progress() {
    return new Progress(received, storageState);
  }

  public String sha256Hex() {
    return HexFormat.of().formatHex(sha256);
  }

  /** A strong ETag: the ciphertext digest, which never changes for an id. */
  public String etag() {
    return '"' + sha256Hex() + '"';
  }

  public JsonObject toJson() {
    return new JsonObject().put("mediaId", id.toString()).put("channelId", channelId.toString()).put("size", size)
        .put("sha256", sha256Hex()).put("state", state).put("offset", received)
        .put("createdAt", createdAt.toString())
        .put("completedAt", completedAt == null ? null : completedAt.toString())
        .put("boundSeq", boundSeq);
  }
}
