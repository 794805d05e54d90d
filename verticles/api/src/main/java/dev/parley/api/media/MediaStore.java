package dev.parley.api.media;

import dev.parley.api.media.storage.MediaStorage.Progress;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The {@code media} table (V4__media.sql): every SQL statement of the attachment feature. */
public final class MediaStore {
  private final Pool pg;

  public MediaStore(Pool pg) {
    this.pg = pg;
  }

  static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  public Future<Boolean> isMember(UUID channelId, UUID userId) {
    return pg.preparedQuery("SELECT 1 FROM channel_members WHERE channel_id = $1 AND user_id = $2")
        .execute(Tuple.of(channelId, userId)).map(rows -> rows.size() > 0);
  }

  /**
   * Inserts a new upload if the owner's attachments plus this one stay within {@code quotaBytes}; false otherwise.
   * A per-owner advisory lock makes the sum and the insert one step, so parallel creates cannot overshoot.
   */
  public Future<Boolean> insertWithinQuota(UUID id, UUID owner, UUID channel, long size, byte[] sha256,
                                           String storageState, long quotaBytes, Instant now) {
    return pg.withTransaction(conn -> conn
        .preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended($1, 15))").execute(Tuple.of(owner.toString()))
        .compose(v -> conn.preparedQuery("SELECT coalesce(sum(size), 0) AS used FROM media WHERE owner_id = $1")
            .execute(Tuple.of(owner)))
        .compose(rows -> {
          long used = rows.iterator().next().getLong("used");
          if (used + size > quotaBytes) {
            return Future.succeededFuture(false);
          }
          return conn.preparedQuery("INSERT INTO media (id, owner_id, channel_id, size, sha256, state, storage_state, "
                  + "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'uploading', $6, $7, $7)")
              .execute(Tuple.of(id, owner, channel, size, Buffer.buffer(sha256), storageState, utc(now)))
              .map(true);
        }));
  }

  public Future<Media> find(UUID id) {
    return pg.preparedQuery("SELECT * FROM media WHERE id = $1").execute(Tuple.of(id)).map(MediaStore::first);
  }

  /**
   * Takes the append lease of an upload of {@code owner} whose committed offset is {@code offset}: the one request
   * allowed to write its storage until {@code until}. Null when the row is missing, not the owner's, not uploading,
   * at another offset or leased to a live writer; the caller re-reads the row to say which.
   */
  public Future<Media> claim(UUID id, UUID owner, long offset, UUID writer, Instant until, Instant now) {
    return pg.preparedQuery("UPDATE media SET writer = $4, writer_until = $5 WHERE id = $1 AND owner_id = $2 "
            + "AND state = 'uploading' AND received = $3 AND (writer_until IS NULL OR writer_until < $6) RETURNING *")
        .execute(Tuple.of(id, owner, offset, writer, utc(until), utc(now))).map(MediaStore::first);
  }

  /** Extends a held lease; false if another writer took it over. */
  public Future<Boolean> renew(UUID id, UUID writer, Instant until) {
    return pg.preparedQuery("UPDATE media SET writer_until = $3 WHERE id = $1 AND writer = $2")
        .execute(Tuple.of(id, writer, utc(until))).map(rows -> rows.rowCount() == 1);
  }

  /** Records what storage committed and releases the lease; false if the lease was lost meanwhile. */
  public Future<Boolean> commit(UUID id, UUID writer, Progress progress, Instant now) {
    return pg.preparedQuery("UPDATE media SET received = $3, storage_state = $4, updated_at = $5, writer = NULL, "
            + "writer_until = NULL WHERE id = $1 AND writer = $2")
        .execute(Tuple.of(id, writer, progress.offset(), progress.state(), utc(now)))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Marks a leased, fully received upload ready (its digest was verified). */
  public Future<Media> markReady(UUID id, UUID writer, Instant now) {
    return pg.preparedQuery("UPDATE media SET state = 'ready', completed_at = $3, updated_at = $3, writer = NULL, "
            + "writer_until = NULL WHERE id = $1 AND writer = $2 RETURNING *")
        .execute(Tuple.of(id, writer, utc(now))).map(MediaStore::first);
  }

  /** A ready attachment with whether {@code user} is a member of its channel; null when there is no ready row. */
  public Future<Media> findReadableBy(UUID id, UUID user) {
    return pg.preparedQuery("SELECT m.* FROM media m JOIN channel_members cm ON cm.channel_id = m.channel_id "
            + "AND cm.user_id = $2 WHERE m.id = $1 AND m.state = 'ready'")
        .execute(Tuple.of(id, user)).map(MediaStore::first);
  }

  /** Binds a ready attachment of {@code owner} to the message {@code seq}; the updated row or null. */
  public Future<Media> bind(UUID id, UUID owner, long seq, Instant now) {
    return pg.preparedQuery("UPDATE media SET bound_seq = $3, bound_at = $4 WHERE id = $1 AND owner_id = $2 "
            + "AND state = 'ready' RETURNING *").execute(Tuple.of(id, owner, seq, utc(now))).map(MediaStore::first);
  }

  /** Moves one row to 'deleting' (owner's delete or a refused digest); the row or null. */
  public Future<Media> markDeleting(UUID id, UUID owner, Instant now) {
    return pg.preparedQuery("UPDATE media SET state = 'deleting', updated_at = $3, writer = NULL, writer_until = NULL "
            + "WHERE id = $1 AND owner_id = $2 AND state <> 'deleting' RETURNING *")
        .execute(Tuple.of(id, owner, utc(now))).map(MediaStore::first);
  }

  /**
   * Claims up to {@code batch} rows to collect, marking them 'deleting': uploads without progress since
   * {@code stalledBefore} (and no live writer), ready attachments never bound since {@code unboundBefore}, and rows
   * left in 'deleting' by a pass that did not finish. SKIP LOCKED lets several api nodes sweep at once.
   */
  public Future<List<Media>> claimGarbage(Instant stalledBefore, Instant unboundBefore, Instant now, int batch) {
    return pg.preparedQuery("UPDATE media SET state = 'deleting', updated_at = $3 WHERE id IN (SELECT id FROM media "
            + "WHERE (state IN ('uploading', 'deleting') AND updated_at < $1 AND (writer_until IS NULL OR writer_until < $3)) "
            + "OR (state = 'ready' AND bound_seq IS NULL AND completed_at < $2) "
            + "ORDER BY updated_at LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING *")
        .execute(Tuple.of(utc(stalledBefore), utc(unboundBefore), utc(now), batch))
        .map(rows -> {
          List<Media> out = new ArrayList<>(rows.size());
          rows.forEach(row -> out.add(Media.from(row)));
          return out;
        });
  }

  public Future<Void> delete(UUID id) {
    return pg.preparedQuery("DELETE FROM media WHERE id = $1").execute(Tuple.of(id)).mapEmpty();
  }

  private static Media first(RowSet<Row> rows) {
    return rows.size() == 0 ? null : Media.from(rows.iterator().next());
  }
}
