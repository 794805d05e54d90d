package dev.parley.api.media;

import dev.parley.api.media.storage.MediaStorage.ObjectStream;
import dev.parley.api.media.storage.MediaStorage;
import dev.parley.api.ratelimit.RateLimiter;
import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import dev.parley.shared.config.MediaConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

/**
 * Attachment lifecycle apart from the chunk stream ({@link UploadAppender}): create an upload in a channel the
 * caller belongs to (size limit, quota, rate limit), finish it (the stored bytes must hash to the declared SHA-256,
 * else they are discarded), bind it to the message that carries it, delete it, and authorise downloads.
 */
public final class MediaService {
  private static final Logger LOG = LoggerFactory.getLogger(MediaService.class);
  static final String CREATE_BUCKET = "media:create";

  private final MediaStore store;
  private final MediaStorage storage;
  private final RateLimiter rateLimiter;
  private final MediaConfig config;
  private final Clock clock;

  public MediaService(MediaStore store, MediaStorage storage, RateLimiter rateLimiter, MediaConfig config,
                      Clock clock) {
    this.store = store;
    this.storage = storage;
    this.rateLimiter = rateLimiter;
    this.config = config;
    this.clock = clock;
  }

  public long minChunkBytes() {
    return storage.minChunkBytes();
  }

  public Future<Media> create(UUID owner, UUID channel, long size, byte[] sha256) {
    if (size > config.maxFileBytes()) {
      return Future.failedFuture(new Refusal(ErrorCode.MEDIA_TOO_LARGE, "size",
          "an attachment may have at most " + config.maxFileBytes() + " bytes"));
    }
    UUID id = UUID.randomUUID();
    return store.isMember(channel, owner)
        .compose(member -> member ? rateLimiter.hit(CREATE_BUCKET, owner.toString(), config.createsPerWindow())
            : Future.failedFuture(Refusal.of(ErrorCode.NOT_A_MEMBER, "you are not a member of this channel")))
        .compose(v -> storage.begin(id.toString()))
        .compose(progress -> store.insertWithinQuota(id, owner, channel, size, sha256, progress.state(),
                config.quotaBytesPerUser(), clock.instant())
            .compose(inserted -> inserted ? store.find(id) : storage.abort(id.toString(), progress)
                .transform(ignored -> Future.failedFuture(new Refusal(ErrorCode.MEDIA_QUOTA_EXCEEDED, "size",
                    "your attachments would exceed the quota of " + config.quotaMiBPerUser() + " MiB")))));
  }

  /** An upload of {@code owner} (any state but deleting), or 404. */
  public Future<Media> ownUpload(UUID id, UUID owner) {
    return store.find(id).compose(row -> row == null || !row.ownerId().equals(owner)
        || Media.DELETING.equals(row.state())
        ? Future.failedFuture(Refusal.of(ErrorCode.MEDIA_NOT_FOUND, "no such upload of yours"))
        : Future.succeededFuture(row));
  }

  /** Verifies and publishes a fully received upload; idempotent once ready. */
  public Future<Media> finish(UUID id, UUID owner, Duration lease) {
    UUID writer = UUID.randomUUID();
    Instant now = clock.instant();
    return ownUpload(id, owner).compose(row -> {
      if (Media.READY.equals(row.state())) {
        return Future.succeededFuture(row);
      }
      if (row.received() < row.size()) {
        return Future.failedFuture(Refusal.of(ErrorCode.UPLOAD_INCOMPLETE, "only " + row.received() + " of "
            + row.size() + " bytes have arrived"));
      }
      return store.claim(id, owner, row.size(), writer, now.plus(lease), now)
          .compose(claimed -> claimed == null
              ? Future.failedFuture(Refusal.of(ErrorCode.UPLOAD_BUSY, "the upload is being written or finished"))
              : publish(claimed, writer));
    });
  }

  private Future<Media> publish(Media row, UUID writer) {
    return storage.finish(row.key(), row.progress())
        // A retried finish after a crash: storage may already hold the finished object.
        .recover(err -> storage.size(row.key()).compose(size -> size == row.size()
            ? Future.<Void>succeededFuture() : Future.failedFuture(err)))
        .compose(v -> sha256(row))
        .compose(digest -> {
          if (Arrays.equals(digest, row.sha256())) {
            return store.markReady(row.id(), writer, clock.instant());
          }
          LOG.info("upload {}: stored bytes do not match the declared SHA-256; discarded", row.id());
          return discard(row).transform(ignored -> Future.failedFuture(new Refusal(ErrorCode.DIGEST_MISMATCH,
              "sha256", "the uploaded bytes do not match the declared sha256; the upload was discarded")));
        });
  }

  /** SHA-256 of the stored object, streamed (one storage buffer at a time). */
  private Future<byte[]> sha256(Media row) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      return Future.failedFuture(e);
    }
    return storage.read(row.key(), 0, row.size()).compose(stream -> {
      Promise<byte[]> done = Promise.promise();
      stream.body().exceptionHandler(done::tryFail).endHandler(v -> done.tryComplete(digest.digest()))
          .handler(buffer -> digest.update(buffer.getBytes()));
      stream.body().resume();
      return done.future().eventually(stream::close);
    });
  }

  /** Binds a ready attachment of the caller to the message (channel seq) that carries it. */
  public Future<Media> bind(UUID id, UUID owner, long seq) {
    return store.bind(id, owner, seq, clock.instant()).compose(row -> row != null ? Future.succeededFuture(row)
        : ownUpload(id, owner).compose(found -> Future.failedFuture(Refusal.of(ErrorCode.UPLOAD_INCOMPLETE,
        "only a finished attachment can be bound to a message"))));
  }

  /** The owner deletes an attachment (any state): bytes first, then the row. */
  public Future<Void> delete(UUID id, UUID owner) {
    return store.markDeleting(id, owner, clock.instant()).compose(row -> row == null
        ? Future.failedFuture(Refusal.of(ErrorCode.MEDIA_NOT_FOUND, "no such attachment of yours"))
        : discard(row));
  }

  /** Removes an attachment's bytes (unfinished or finished) and then its row. */
  Future<Void> discard(Media row) {
    return storage.abort(row.key(), row.progress())
        .compose(v -> storage.delete(row.key()))
        .compose(v -> store.delete(row.id()));
  }

  /** A ready attachment the caller may read (a member of its channel), else 404 whatever the reason. */
  public Future<Media> readable(UUID id, UUID user) {
    return store.findReadableBy(id, user).compose(row -> row != null ? Future.succeededFuture(row)
        : Future.failedFuture(Refusal.of(ErrorCode.MEDIA_NOT_FOUND, "no such attachment")));
  }

  public Future<ObjectStream> open(Media row, long offset, long length) {
    return storage.read(row.key(), offset, length);
  }

  /** A presigned URL for the attachment when the storage and config allow bypassing the api node. */
  public java.util.Optional<String> presigned(Media row) {
    int seconds = config.s3().presignSeconds();
    return seconds > 0 ? storage.presignedDownload(row.key(), Duration.ofSeconds(seconds)) : java.util.Optional.empty();
  }
}
