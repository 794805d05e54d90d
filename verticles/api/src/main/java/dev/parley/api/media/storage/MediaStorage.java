package dev.parley.api.media.storage;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import java.time.Duration;
import java.util.Optional;

/**
 * Where attachment bytes (ciphertext only) live: the local filesystem or S3. An object is written once, in appends
 * at the committed offset, then finished, then only read or deleted. Keys are opaque to callers but must be valid
 * {@link StorageKeys storage keys}; every implementation validates them and never uses one as a path unchecked.
 *
 * <p>Append semantics differ in granularity only: the filesystem keeps every byte that arrived (even when the body
 * broke off), S3 keeps whole chunks (one multipart part per append). Either way the returned {@link Progress} is
 * the truth the caller persists, and the next append must start exactly there.
 */
public interface MediaStorage {

  /** What has been durably stored of an unfinished object: its length and backend state (e.g. S3 part ETags). */
  record Progress(long offset, String state) {
  }

  /** The smallest append that may end before the object does (S3: its 5 MiB part minimum; filesystem: 1). */
  long minChunkBytes();

  /** Starts an unfinished object; its progress is offset 0 with the returned state. */
  Future<Progress> begin(String key);

  /**
   * Streams {@code body} (exactly {@code length} bytes when it does not break off) onto the unfinished object at
   * {@code at.offset()}, with back-pressure: the body is paused while storage is behind. Bytes beyond a previous
   * committed offset (from an append that was cut) are discarded first. Completes with the new progress even if
   * the body failed part-way, unless storage itself failed.
   */
  Future<Progress> append(String key, Progress at, ReadStream<Buffer> body, long length);

  /** Makes the unfinished object readable under {@code key}: fsync and atomic rename, or multipart completion. */
  Future<Void> finish(String key, Progress at);

  /** Discards an unfinished object (idempotent). */
  Future<Void> abort(String key, Progress at);

  /** The size of a finished object; fails with {@link NoSuchObjectException}. */
  Future<Long> size(String key);

  /** An open read of a finished object; {@link #close()} it when done, also when the reader went away. */
  record ObjectStream(ReadStream<Buffer> body, java.util.function.Supplier<Future<Void>> closer) {
    public Future<Void> close() {
      return closer.get();
    }
  }

  /** {@code length} bytes of a finished object from {@code offset}; fails with {@link NoSuchObjectException}. */
  Future<ObjectStream> read(String key, long offset, long length);

  /** Deletes a finished object (idempotent). */
  Future<Void> delete(String key);

  /** A time-limited URL that serves the finished object without the api node, when the backend has one. */
  default Optional<String> presignedDownload(String key, Duration validity) {
    return Optional.empty();
  }

  /** Releases clients and files. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
