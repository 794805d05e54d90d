package dev.parley.api.media.storage;

import dev.parley.api.media.storage.MediaStorage.ObjectStream;
import dev.parley.api.media.storage.MediaStorage.Progress;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link MediaStorage} backend must do; the filesystem runs it as a unit test, S3 against S3Mock.
 * Chunks are at least the backend's minimum so the same data works on both.
 */
abstract class MediaStorageContract {
  protected final Vertx vertx = Vertx.vertx();

  protected abstract MediaStorage storage();

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  static Buffer random(int size) {
    byte[] bytes = new byte[size];
    ThreadLocalRandom.current().nextBytes(bytes);
    return Buffer.buffer(bytes);
  }

  private Progress append(String key, Progress at, Buffer data, Throwable failure) throws Exception {
    return append(key, at, data, data.length(), failure);
  }

  /** Declares {@code length} bytes (the Content-Length) but sends {@code data}, then ends or fails. */
  private Progress append(String key, Progress at, Buffer data, long length, Throwable failure) throws Exception {
    ChunkStream body = new ChunkStream(vertx.getOrCreateContext(), ChunkStream.split(data, 16 * 1024), failure);
    return await(storage().append(key, at, body, length));
  }

  Buffer readAll(String key, long offset, long length) throws Exception {
    ObjectStream stream = await(storage().read(key, offset, length));
    Buffer out = Buffer.buffer();
    Promise<Void> ended = Promise.promise();
    stream.body().handler(out::appendBuffer).endHandler(ended::tryComplete).exceptionHandler(ended::tryFail);
    stream.body().resume();
    await(ended.future());
    await(stream.close());
    return out;
  }

  private int chunk() {
    return (int) Math.max(storage().minChunkBytes(), 64 * 1024);
  }

  @Test
  @DisplayName("appended chunks finish into one object that reads back whole and by range")
  void roundTrip() throws Exception {
    String key = UUID.randomUUID().toString();
    Buffer data = random(chunk() + 1000);
    Progress p = await(storage().begin(key));
    p = append(key, p, data.getBuffer(0, chunk()), null);
    assertThat(p.offset()).isEqualTo(chunk());
    p = append(key, p, data.getBuffer(chunk(), data.length()), null);
    assertThat(p.offset()).isEqualTo(data.length());
    await(storage().finish(key, p));

    assertThat(await(storage().size(key))).isEqualTo(data.length());
    assertThat(readAll(key, 0, data.length()).getBytes()).isEqualTo(data.getBytes());
    assertThat(readAll(key, chunk() - 10, 20).getBytes()).isEqualTo(data.getBuffer(chunk() - 10, chunk() + 10).getBytes());
    assertThat(readAll(key, data.length() - 1, 1).getBytes()).isEqualTo(data.getBuffer(data.length() - 1, data.length()).getBytes());
  }

  @Test
  @DisplayName("an append whose body breaks off commits at most what arrived, and the upload resumes from there")
  void resumesAfterBrokenBody() throws Exception {
    String key = UUID.randomUUID().toString();
    Buffer data = random(2 * chunk() + 777);
    Progress p = await(storage().begin(key));
    p = append(key, p, data.getBuffer(0, chunk()), null);
    // Only part of the second chunk arrives before the "connection" fails.
    Progress cut = append(key, p, data.getBuffer(chunk(), chunk() + chunk() / 2), chunk(),
        new IOException("connection reset"));
    assertThat(cut.offset()).isBetween(p.offset(), p.offset() + chunk() / 2);
    p = append(key, cut, data.getBuffer((int) cut.offset(), 2 * chunk()), null);
    p = append(key, p, data.getBuffer(2 * chunk(), data.length()), null);
    await(storage().finish(key, p));
    assertThat(readAll(key, 0, data.length()).getBytes()).isEqualTo(data.getBytes());
  }

  @Test
  @DisplayName("an append resent from an earlier committed offset replaces the uncommitted tail")
  void appendFromCommittedOffsetReplacesTail() throws Exception {
    String key = UUID.randomUUID().toString();
    Buffer data = random(chunk() + 500);
    Progress start = await(storage().begin(key));
    Progress first = append(key, start, random(chunk()), null);
    assertThat(first.offset()).isEqualTo(chunk());
    // The caller never committed `first` (e.g. the node died before its database write): start over at 0.
    Progress p = append(key, start, data.getBuffer(0, chunk()), null);
    p = append(key, p, data.getBuffer(chunk(), data.length()), null);
    await(storage().finish(key, p));
    assertThat(readAll(key, 0, data.length()).getBytes()).isEqualTo(data.getBytes());
  }

  @Test
  @DisplayName("unfinished, aborted and deleted objects cannot be read; abort and delete are idempotent")
  void missingObjects() throws Exception {
    String key = UUID.randomUUID().toString();
    Progress p = await(storage().begin(key));
    p = append(key, p, random(1000), null);
    assertThatThrownBy(() -> await(storage().size(key))).hasCauseInstanceOf(NoSuchObjectException.class);
    await(storage().abort(key, p));
    await(storage().abort(key, p));
    assertThatThrownBy(() -> await(storage().read(key, 0, 10))).hasCauseInstanceOf(NoSuchObjectException.class);

    String other = UUID.randomUUID().toString();
    Progress q = append(other, await(storage().begin(other)), random(10), null);
    await(storage().finish(other, q));
    await(storage().delete(other));
    await(storage().delete(other));
    assertThatThrownBy(() -> await(storage().size(other))).hasCauseInstanceOf(NoSuchObjectException.class);
  }

  @Test
  @DisplayName("keys that could name a path are refused before any storage call")
  void pathLikeKeysRefused() {
    for (String key : List.of("../x", "a/b", "", "..", "/etc/passwd", "A", "x\u0000y", "a".repeat(65))) {
      assertThatThrownBy(() -> await(storage().begin(key))).as(key)
          .satisfies(e -> assertThat(e instanceof IllegalArgumentException
              || e.getCause() instanceof IllegalArgumentException).isTrue());
      assertThatThrownBy(() -> await(storage().read(key, 0, 1))).as(key)
          .satisfies(e -> assertThat(e instanceof IllegalArgumentException
              || e.getCause() instanceof IllegalArgumentException).isTrue());
    }
  }
}
