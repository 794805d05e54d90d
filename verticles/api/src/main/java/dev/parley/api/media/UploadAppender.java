package dev.parley.api.media;

import dev.parley.api.media.storage.MediaStorage.Progress;
import dev.parley.api.media.storage.MediaStorage;
import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * One chunk of an upload ({@code PATCH .../upload}): checks the chunk against the committed offset and the declared
 * size, takes the upload's append lease (so two connections, on any api nodes, never write the same upload at once),
 * streams the body into storage while a timer renews the lease and cuts a body that went quiet, then commits the
 * offset storage reports — also when the client broke off, so a resume loses nothing that was stored.
 */
public final class UploadAppender {
  private static final Logger LOG = LoggerFactory.getLogger(UploadAppender.class);

  /** Where the upload stands after the chunk; {@code timedOut} when the body was cut for idleness. */
  public record Outcome(long offset, boolean timedOut) {
  }

  private final Vertx vertx;
  private final MediaStore store;
  private final MediaStorage storage;
  private final Clock clock;
  private final long idleMs;
  private final Duration lease;

  public UploadAppender(Vertx vertx, MediaStore store, MediaStorage storage, Clock clock, long idleMs) {
    this.vertx = vertx;
    this.store = store;
    this.storage = storage;
    this.clock = clock;
    this.idleMs = idleMs;
    // Long enough to survive a slow renewal, short enough that a dead node's upload resumes elsewhere soon.
    this.lease = Duration.ofMillis(Math.max(2 * idleMs, 2_000));
  }

  /** The lease length, for clients told to retry after {@code upload_busy}. */
  public Duration lease() {
    return lease;
  }

  public Future<Outcome> append(UUID id, UUID owner, long offset, long length, ReadStream<Buffer> body) {
    UUID writer = UUID.randomUUID();
    Instant now = clock.instant();
    return store.find(id)
        .compose(row -> check(row, owner, offset, length, now))
        .compose(row -> store.claim(id, owner, offset, writer, now.plus(lease), now))
        .compose(row -> row != null ? stream(row, writer, body, length)
            : store.find(id).compose(again -> Future.failedFuture(lostRace(again, owner, offset))));
  }

  /** The claim lost to a concurrent request: say why, or that someone else is writing. */
  private Refusal lostRace(Media row, UUID owner, long offset) {
    Refusal refusal = refusal(row, owner, offset, clock.instant());
    return refusal != null ? refusal : Refusal.of(ErrorCode.UPLOAD_BUSY, "another request is writing this upload");
  }

  private Future<Media> check(Media row, UUID owner, long offset, long length, Instant now) {
    Refusal refusal = refusal(row, owner, offset, now);
    if (refusal != null) {
      return Future.failedFuture(refusal);
    }
    if (length <= 0 || length > row.size() - offset) {
      return Future.failedFuture(new Refusal(ErrorCode.UPLOAD_CHUNK_INVALID, "Content-Length",
          "a chunk at offset " + offset + " must carry 1 to " + (row.size() - offset) + " bytes, not " + length));
    }
    if (offset + length < row.size() && length < storage.minChunkBytes()) {
      return Future.failedFuture(new Refusal(ErrorCode.UPLOAD_CHUNK_INVALID, "Content-Length",
          "every chunk but the last must carry at least " + storage.minChunkBytes() + " bytes on this storage"));
    }
    return Future.succeededFuture(row);
  }

  /** Why {@code row} cannot take a chunk at {@code offset} now, or null if it can. */
  private Refusal refusal(Media row, UUID owner, long offset, Instant now) {
    if (row == null || !row.ownerId().equals(owner) || Media.DELETING.equals(row.state())) {
      return Refusal.of(ErrorCode.MEDIA_NOT_FOUND, "no such upload of yours");
    }
    if (Media.READY.equals(row.state())) {
      return new Refusal(ErrorCode.UPLOAD_OFFSET_MISMATCH, "Upload-Offset",
          "the upload is complete (" + row.size() + " bytes)");
    }
    if (row.received() != offset) {
      return new Refusal(ErrorCode.UPLOAD_OFFSET_MISMATCH, "Upload-Offset",
          "Upload-Offset must be the committed offset " + row.received() + ", not " + offset);
    }
    if (row.writerUntil() != null && row.writerUntil().isAfter(now)) {
      long wait = Math.max(1, Duration.between(now, row.writerUntil()).toSeconds() + 1);
      return Refusal.of(ErrorCode.UPLOAD_BUSY, "another request is writing this upload; retry after " + wait
          + " s");
    }
    return null;
  }

  private Future<Outcome> stream(Media row, UUID writer, ReadStream<Buffer> body, long length) {
    WatchedBody watched = new WatchedBody(body, () -> clock.millis());
    long tick = Math.max(250, idleMs / 4);
    long timer = vertx.setPeriodic(tick, t -> {
      if (watched.idleFor(idleMs)) {
        LOG.info("upload {}: no data for {} ms, cutting the stream", row.id(), idleMs);
        watched.timeOut();
      } else {
        store.renew(row.id(), writer, clock.instant().plus(lease))
            .onFailure(err -> LOG.warn("upload {}: lease renewal failed: {}", row.id(), err.toString()));
      }
    });
    return storage.append(row.key(), row.progress(), watched, length)
        .eventually(() -> {
          vertx.cancelTimer(timer);
          return Future.succeededFuture();
        })
        .recover(err -> {
          LOG.warn("upload {}: storage append failed at offset {}", row.id(), row.received(), err);
          // Release the lease at the old offset; the client may retry the chunk.
          return store.commit(row.id(), writer, row.progress(), clock.instant())
              .transform(ignored -> Future.failedFuture(err));
        })
        .compose(progress -> commit(row, writer, progress, watched.timedOut()));
  }

  private Future<Outcome> commit(Media row, UUID writer, Progress progress, boolean timedOut) {
    return store.commit(row.id(), writer, progress, clock.instant()).compose(kept -> kept
        ? Future.succeededFuture(new Outcome(progress.offset(), timedOut))
        : Future.failedFuture(Refusal.of(ErrorCode.UPLOAD_BUSY,
        "this request lost the upload to another one (it was too slow to keep its lease); check the offset")));
  }
}
