package dev.parley.client.media;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.codec.BodyCodec;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Sends and fetches files as end-to-end encrypted attachments (docs/media.md): encrypt with a fresh key
 * ({@link AttachmentCipher}) into a temporary ciphertext file, upload it in chunks that resume from the server's
 * committed offset after any failure (broken connection, api node gone, 408/409), finish; fetch downloads the
 * ciphertext, checks its SHA-256 and decrypts. Crypto and hashing run on worker threads, never the event loop.
 */
public final class MediaClient {
  /** Upload chunk size: at least the S3 part minimum, so one size works on every storage. */
  public static final long DEFAULT_CHUNK = 8L * 1024 * 1024;

  private final Vertx vertx;
  private final WebClient web;
  private final String baseUrl;
  private final SecureRandom random = new SecureRandom();
  private final long chunkBytes;
  private final int maxFailures;

  public MediaClient(Vertx vertx, WebClient web, String baseUrl, long chunkBytes, int maxFailures) {
    this.vertx = vertx;
    this.web = web;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.chunkBytes = chunkBytes;
    this.maxFailures = maxFailures;
  }

  public MediaClient(Vertx vertx, WebClient web, String baseUrl) {
    this(vertx, web, baseUrl, DEFAULT_CHUNK, 30);
  }

  /** A failure the server answered with a problem document. */
  public static final class MediaException extends RuntimeException {
    private final int status;
    private final String code;

    MediaException(int status, String code, String detail) {
      super(status + " " + code + ": " + detail);
      this.status = status;
      this.code = code;
    }

    public int status() {
      return status;
    }

    public String code() {
      return code;
    }
  }

  /** Encrypts {@code file} and uploads it as an attachment of {@code channelId}. */
  public Future<Attachment> send(String accessToken, UUID channelId, Path file) {
    byte[] key = AttachmentCipher.newKey(random);
    return vertx.<Path>executeBlocking(() -> Files.createTempFile("parley-upload", ".enc"))
        .compose(sealedFile -> vertx.executeBlocking(() -> encrypt(key, file, sealedFile))
            .compose(sealed -> upload(accessToken, channelId, sealedFile, sealed.ciphertextLength(), sealed.sha256())
                .map(mediaId -> new Attachment(mediaId, channelId, key, sealed.sha256(), sealed.ciphertextLength(),
                    sealed.plaintextLength())))
            .eventually(() -> vertx.fileSystem().delete(sealedFile.toString())));
  }

  private static AttachmentCipher.Sealed encrypt(byte[] key, Path plain, Path sealed) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(plain));
         OutputStream out = new BufferedOutputStream(Files.newOutputStream(sealed))) {
      return AttachmentCipher.encrypt(key, in, out);
    }
  }

  /** Uploads a ciphertext file already on disk and finishes it; answers the attachment id. */
  public Future<UUID> upload(String accessToken, UUID channelId, Path ciphertext, long size, byte[] sha256) {
    JsonObject create = new JsonObject().put("channelId", channelId.toString()).put("size", size)
        .put("sha256", HexFormat.of().formatHex(sha256));
    return web.postAbs(baseUrl + "/v1/media").bearerTokenAuthentication(accessToken).sendJsonObject(create)
        .compose(r -> expect(r, 201))
        .compose(r -> {
          UUID id = UUID.fromString(r.bodyAsJsonObject().getString("mediaId"));
          long chunk = Math.max(chunkBytes, r.bodyAsJsonObject().getLong("minChunkBytes"));
          return resume(accessToken, id, ciphertext, size, chunk);
        });
  }

  /** Continues (or starts) the upload of {@code id} from wherever the server says it stands, then finishes it. */
  public Future<UUID> resume(String accessToken, UUID id, Path ciphertext, long size, long chunk) {
    return offset(accessToken, id)
        .compose(at -> sendFrom(accessToken, id, ciphertext, size, chunk, at, 0))
        .compose(v -> web.postAbs(baseUrl + "/v1/media/" + id + "/finish").bearerTokenAuthentication(accessToken)
            .send())
        .compose(r -> expect(r, 200))
        .map(id);
  }

  private Future<Void> sendFrom(String token, UUID id, Path file, long size, long chunk, long offset,
                                int failures) {
    if (offset >= size) {
      return Future.succeededFuture();
    }
    long length = Math.min(chunk, size - offset);
    // A fresh file handle per attempt: a send that broke off leaves its stream in an unknown state.
    return vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true).setWrite(false))
        .compose(in -> sendChunk(token, id, in.setReadPos(offset).setReadLength(length), offset, length)
            .eventually(in::close))
        .transform(sent -> {
          if (sent.succeeded()) {
            return sendFrom(token, id, file, size, chunk, sent.result(), 0);
          }
          if (sent.cause() instanceof Fatal || failures + 1 >= maxFailures) {
            return Future.failedFuture(sent.cause() instanceof Fatal f ? f.getCause() : sent.cause());
          }
          // Broken connection, node gone, busy or stale offset: ask the server where it stands and go on from there.
          return backoff(failures).compose(v -> offset(token, id))
              .transform(at -> at.succeeded() ? sendFrom(token, id, file, size, chunk, at.result(), failures + 1)
                  : sendFrom(token, id, file, size, chunk, offset, failures + 1));
        });
  }

  /** One PATCH; the new committed offset, a retryable failure, or a {@link Fatal} one. */
  private Future<Long> sendChunk(String token, UUID id, AsyncFile body, long offset, long length) {
    return web.requestAbs(HttpMethod.PATCH, baseUrl + "/v1/media/" + id + "/upload").bearerTokenAuthentication(token)
        .putHeader("Upload-Offset", Long.toString(offset))
        .putHeader("content-type", "application/offset+octet-stream")
        .putHeader("content-length", Long.toString(length))
        .sendStream(body)
        .compose(r -> r.statusCode() == 204 ? Future.succeededFuture(Long.parseLong(r.getHeader("Upload-Offset")))
            : retryable(r) ? Future.<Long>failedFuture(problem(r)) : Future.failedFuture(fatal(problem(r))));
  }

  private static final class Fatal extends RuntimeException {
    Fatal(Throwable cause) {
      super(cause);
    }
  }

  private static Fatal fatal(Throwable cause) {
    return new Fatal(cause);
  }

  private static boolean retryable(HttpResponse<Buffer> r) {
    return r.statusCode() == 408 || r.statusCode() == 409 || r.statusCode() >= 500;
  }

  private Future<Void> backoff(int failures) {
    Promise<Void> later = Promise.promise();
    vertx.setTimer(Math.min(2_000, 100L << Math.min(failures, 5)), t -> later.complete());
    return later.future();
  }

  /** {@code HEAD .../upload}: the committed offset. */
  public Future<Long> offset(String token, UUID id) {
    return web.requestAbs(HttpMethod.HEAD, baseUrl + "/v1/media/" + id + "/upload").bearerTokenAuthentication(token)
        .send().compose(r -> expect(r, 204)).map(r -> Long.parseLong(r.getHeader("Upload-Offset")));
  }

  /** Downloads the attachment, checks the ciphertext digest and decrypts it into {@code target}. */
  public Future<Void> fetch(String accessToken, Attachment attachment, Path target) {
    return vertx.<Path>executeBlocking(() -> Files.createTempFile("parley-download", ".enc"))
        .compose(sealedFile -> download(accessToken, attachment.mediaId(), sealedFile)
            .compose(v -> vertx.<Void>executeBlocking(() -> open(attachment, sealedFile, target)))
            .eventually(() -> vertx.fileSystem().delete(sealedFile.toString())));
  }

  /** Streams the ciphertext of {@code mediaId} into {@code file} (never whole in memory). */
  public Future<Void> download(String accessToken, UUID mediaId, Path file) {
    return vertx.fileSystem().open(file.toString(), new OpenOptions().setWrite(true).setCreate(true).setTruncateExisting(true))
        .compose(out -> web.getAbs(baseUrl + "/v1/media/" + mediaId).bearerTokenAuthentication(accessToken)
            .as(BodyCodec.pipe(out)).send()
            .compose(r -> r.statusCode() == 200 ? Future.<Void>succeededFuture()
                : Future.failedFuture(new MediaException(r.statusCode(), "download_failed",
                "GET answered " + r.statusCode()))));
  }

  private static Void open(Attachment attachment, Path sealed, Path target) throws IOException {
    MessageDigest digest = AttachmentCipher.sha256();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(sealed))) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    if (!Arrays.equals(digest.digest(), attachment.sha256())) {
      throw new IOException("attachment " + attachment.mediaId() + ": downloaded bytes do not match the digest in "
          + "the message");
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(sealed));
         OutputStream out = new BufferedOutputStream(Files.newOutputStream(target))) {
      AttachmentCipher.decrypt(attachment.key(), in, out);
    } catch (IOException e) {
      Files.deleteIfExists(target);
      throw e;
    }
    return null;
  }

  private static Future<HttpResponse<Buffer>> expect(HttpResponse<Buffer> r, int status) {
    return r.statusCode() == status ? Future.succeededFuture(r) : Future.failedFuture(problem(r));
  }

  private static MediaException problem(HttpResponse<Buffer> r) {
    String code = "http_" + r.statusCode();
    String detail = "";
    try {
      JsonObject doc = r.bodyAsJsonObject();
      if (doc != null) {
        code = doc.getString("code", code);
        detail = doc.getString("detail", "");
      }
    } catch (RuntimeException ignored) {
      // not a problem document
    }
    return new MediaException(r.statusCode(), code, detail);
  }
}
