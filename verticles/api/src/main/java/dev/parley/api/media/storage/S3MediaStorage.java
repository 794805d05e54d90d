package dev.parley.api.media.storage;

import dev.parley.shared.config.MediaConfig.S3Config;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import org.reactivestreams.Subscriber;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Attachments in S3 through the SDK v2 async client. An unfinished object is a multipart upload; each append is one
 * part streamed straight from the request body (no spooling), so an append is all or nothing and every append but
 * the last must reach S3's 5 MiB part minimum. The progress state is {@code {"uploadId", "parts":[etag…]}}; a part
 * that was uploaded but never committed is simply overwritten by the next append under the same part number.
 */
public final class S3MediaStorage implements MediaStorage {
  /** S3 refuses parts below this size except the last one. */
  public static final long MIN_PART_BYTES = 5L * 1024 * 1024;

  private final Vertx vertx;
  private final S3AsyncClient s3;
  private final S3Presigner presigner;
  private final String bucket;
  private final String prefix;

  public S3MediaStorage(Vertx vertx, S3AsyncClient s3, S3Presigner presigner, S3Config config) {
    this.vertx = vertx;
    this.s3 = s3;
    this.presigner = presigner;
    this.bucket = config.bucket();
    this.prefix = config.keyPrefix();
  }

  @Override
  public long minChunkBytes() {
    return MIN_PART_BYTES;
  }

  @Override
  public Future<Progress> begin(String key) {
    return call(s3.createMultipartUpload(b -> b.bucket(bucket).key(objectKey(key))))
        .map(r -> new Progress(0, new JsonObject().put("uploadId", r.uploadId()).put("parts", new JsonArray()).encode()));
  }

  @Override
  public Future<Progress> append(String key, Progress at, ReadStream<Buffer> body, long length) {
    JsonObject state = new JsonObject(at.state());
    JsonArray parts = state.getJsonArray("parts");
    ReadStreamPublisher publisher = new ReadStreamPublisher(vertx.getOrCreateContext(), body);
    AsyncRequestBody requestBody = new AsyncRequestBody() {
      @Override
      public Optional<Long> contentLength() {
        return Optional.of(length);
      }

      @Override
      public void subscribe(Subscriber<? super ByteBuffer> s) {
        publisher.subscribe(s);
      }
    };
    return call(s3.uploadPart(b -> b.bucket(bucket).key(objectKey(key)).uploadId(state.getString("uploadId"))
        .partNumber(parts.size() + 1).contentLength(length), requestBody))
        .map(r -> new Progress(at.offset() + length,
            state.copy().put("parts", parts.copy().add(r.eTag())).encode()))
        // The client went away mid-part: nothing of this part counts, the client resumes at the same offset.
        .recover(err -> publisher.sourceFailed() ? Future.succeededFuture(at) : Future.failedFuture(err));
  }

  @Override
  public Future<Void> finish(String key, Progress at) {
    JsonObject state = new JsonObject(at.state());
    JsonArray etags = state.getJsonArray("parts");
    List<CompletedPart> parts = new ArrayList<>(etags.size());
    for (int i = 0; i < etags.size(); i++) {
      parts.add(CompletedPart.builder().partNumber(i + 1).eTag(etags.getString(i)).build());
    }
    return call(s3.completeMultipartUpload(b -> b.bucket(bucket).key(objectKey(key))
        .uploadId(state.getString("uploadId")).multipartUpload(m -> m.parts(parts)))).mapEmpty();
  }

  @Override
  public Future<Void> abort(String key, Progress at) {
    if (at.state().isEmpty()) {
      return Future.succeededFuture();
    }
    String uploadId = new JsonObject(at.state()).getString("uploadId");
    return call(s3.abortMultipartUpload(b -> b.bucket(bucket).key(objectKey(key)).uploadId(uploadId)))
        .<Void>mapEmpty()
        .recover(err -> err instanceof NoSuchUploadException || status(err) == 404
            ? Future.succeededFuture() : Future.failedFuture(err));
  }

  @Override
  public Future<Long> size(String key) {
    return call(s3.headObject(b -> b.bucket(bucket).key(objectKey(key)))).map(r -> r.contentLength())
        .recover(err -> Future.failedFuture(missing(err) ? new NoSuchObjectException(key) : err));
  }

  @Override
  public Future<ObjectStream> read(String key, long offset, long length) {
    Context context = vertx.getOrCreateContext();
    String range = "bytes=" + offset + "-" + (offset + length - 1);
    return call(s3.getObject(b -> b.bucket(bucket).key(objectKey(key)).range(range),
        AsyncResponseTransformer.toPublisher()))
        .recover(err -> Future.failedFuture(missing(err) ? new NoSuchObjectException(key) : err))
        .map(publisher -> {
          PublisherReadStream stream = new PublisherReadStream(context, publisher);
          return new ObjectStream(stream, () -> {
            stream.cancel();
            return Future.succeededFuture();
          });
        });
  }

  @Override
  public Future<Void> delete(String key) {
    return call(s3.deleteObject(b -> b.bucket(bucket).key(objectKey(key)))).mapEmpty();
  }

  @Override
  public Optional<String> presignedDownload(String key, Duration validity) {
    if (presigner == null) {
      return Optional.empty();
    }
    return Optional.of(presigner.presignGetObject(p -> p.signatureDuration(validity)
        .getObjectRequest(g -> g.bucket(bucket).key(objectKey(key)))).url().toString());
  }

  @Override
  public Future<Void> close() {
    s3.close();
    if (presigner != null) {
      presigner.close();
    }
    return Future.succeededFuture();
  }

  private String objectKey(String key) {
    return prefix + StorageKeys.check(key);
  }

  private <T> Future<T> call(CompletableFuture<T> call) {
    return Future.fromCompletionStage(call, vertx.getOrCreateContext())
        .recover(err -> Future.failedFuture(err instanceof java.util.concurrent.CompletionException && err.getCause() != null
            ? err.getCause() : err));
  }

  private static boolean missing(Throwable err) {
    return err instanceof NoSuchKeyException || status(err) == 404 || status(err) == 416;
  }

  private static int status(Throwable err) {
    return err instanceof S3Exception e ? e.statusCode() : -1;
  }
}
