package dev.parley.api.media;

import dev.parley.api.http.BearerAuth;
import dev.parley.api.http.JsonBody;
import dev.parley.api.http.Replies;
import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import dev.parley.shared.auth.AccessClaims;
import dev.parley.shared.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code /v1/media}: create an upload, send it in resumable chunks (HEAD for the offset, PATCH with
 * {@code Upload-Offset}), finish, bind to a message, download with Range, delete (docs/media.md). Mounted BEFORE the
 * router's body handler: an upload chunk streams from the socket to storage and is never buffered; the two small
 * JSON routes bring their own bounded body handler.
 */
public final class MediaRoutes {
  public static final String OFFSET_HEADER = "Upload-Offset";
  public static final String CHUNK_TYPE = "application/offset+octet-stream";
  private static final Pattern NUMBER = Pattern.compile("0|[1-9][0-9]{0,18}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final int JSON_LIMIT = 4_096;

  private final MediaService media;
  private final UploadAppender appender;
  private final BearerAuth auth;

  public MediaRoutes(MediaService media, UploadAppender appender, BearerAuth auth) {
    this.media = media;
    this.appender = appender;
    this.auth = auth;
  }

  public void mount(Router router) {
    router.post("/v1/media").handler(BodyHandler.create(false).setBodyLimit(JSON_LIMIT)).handler(auth)
        .handler(this::create);
    // Paused before authentication (an async step), so no chunk byte arrives before storage is ready for it.
    router.patch("/v1/media/:mediaId/upload").handler(ctx -> {
      ctx.request().pause();
      ctx.next();
    }).handler(auth).handler(this::append).failureHandler(ctx -> {
      // The rest of a refused chunk is never read: close the connection rather than drain megabytes. The server
      // would otherwise keep it open waiting for a body nobody reads, and the client would wait with it.
      ctx.response().putHeader("connection", "close");
      ctx.addEndHandler(ended -> {
        if (!ctx.request().isEnded()) {
          ctx.request().connection().close();
        }
      });
      ctx.next();
    });
    router.head("/v1/media/:mediaId/upload").handler(auth).handler(this::offset);
    router.post("/v1/media/:mediaId/finish").handler(auth).handler(this::finish);
    router.post("/v1/media/:mediaId/bind").handler(BodyHandler.create(false).setBodyLimit(JSON_LIMIT)).handler(auth)
        .handler(this::bind);
    router.get("/v1/media/:mediaId").handler(auth).handler(this::download);
    router.delete("/v1/media/:mediaId").handler(auth).handler(this::delete);
  }

  private void create(RoutingContext ctx) {
    AccessClaims caller = BearerAuth.caller(ctx);
    JsonBody body = JsonBody.read(ctx, "channelId", "size", "sha256");
    UUID channel = body.uuid("channelId");
    long size = body.wholeNumber("size");
    if (size <= 0) {
      throw new Refusal(ErrorCode.INVALID_FIELD, "size", "'size' must be a positive number of bytes");
    }
    String sha = body.string("sha256");
    if (!SHA256.matcher(sha).matches()) {
      throw new Refusal(ErrorCode.INVALID_FIELD, "sha256", "'sha256' must be 64 lower-case hex digits");
    }
    media.create(caller.userId(), channel, size, HexFormat.of().parseHex(sha))
        .onSuccess(row -> {
          String uploadUrl = "/v1/media/" + row.id() + "/upload";
          ctx.response().setStatusCode(201).putHeader("content-type", "application/json")
              .putHeader("location", uploadUrl).putHeader(OFFSET_HEADER, "0")
              .end(row.toJson().put("uploadUrl", uploadUrl).put("minChunkBytes", media.minChunkBytes()).encode());
        })
        .onFailure(ctx::fail);
  }

  private void offset(RoutingContext ctx) {
    AccessClaims caller = BearerAuth.caller(ctx);
    media.ownUpload(Ids.parse("mediaId", ctx.pathParam("mediaId")), caller.userId()).onSuccess(row -> ctx.response()
        .setStatusCode(204).putHeader(OFFSET_HEADER, Long.toString(row.received()))
        .putHeader("upload-length", Long.toString(row.size())).putHeader("upload-state", row.state()).end())
        .onFailure(ctx::fail);
  }

  private void append(RoutingContext ctx) {
    AccessClaims caller = BearerAuth.caller(ctx);
    UUID id = Ids.parse("mediaId", ctx.pathParam("mediaId"));
    long offset = number(ctx.request().getHeader(OFFSET_HEADER), OFFSET_HEADER);
    String type = ctx.request().getHeader("content-type");
    if (type == null || !type.trim().equalsIgnoreCase(CHUNK_TYPE)) {
      throw Refusal.of(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "a chunk must be sent as " + CHUNK_TYPE);
    }
    String lengthHeader = ctx.request().getHeader("content-length");
    if (lengthHeader == null || ctx.request().getHeader("transfer-encoding") != null) {
      throw Refusal.of(ErrorCode.LENGTH_REQUIRED, "a chunk needs a Content-Length (no chunked encoding)");
    }
    long length = number(lengthHeader, "Content-Length");
    appender.append(id, caller.userId(), offset, length, ctx.request())
        .onSuccess(outcome -> {
          ctx.response().putHeader(OFFSET_HEADER, Long.toString(outcome.offset()));
          if (outcome.timedOut()) {
            ctx.fail(Refusal.of(ErrorCode.UPLOAD_TIMEOUT, "the chunk stalled; " + outcome.offset()
                + " bytes are stored, resume from there"));
          } else {
            ctx.response().setStatusCode(204).end();
          }
        })
        .onFailure(err -> withCurrentOffset(ctx, id, caller.userId(), err));
  }

  /** A 409 offset mismatch tells the client where to resume, in the Upload-Offset header. */
  private void withCurrentOffset(RoutingContext ctx, UUID id, UUID owner, Throwable err) {
    if (!(err instanceof Refusal e) || e.code() != ErrorCode.UPLOAD_OFFSET_MISMATCH) {
      ctx.fail(err);
      return;
    }
    media.ownUpload(id, owner).onComplete(found -> {
      if (found.succeeded()) {
        ctx.response().putHeader(OFFSET_HEADER, Long.toString(Media.READY.equals(found.result().state())
            ? found.result().size() : found.result().received()));
      }
      ctx.fail(err);
    });
  }

  private void finish(RoutingContext ctx) {
    AccessClaims caller = BearerAuth.caller(ctx);
    Replies.json(ctx, 200, media.finish(Ids.parse("mediaId", ctx.pathParam("mediaId")), caller.userId(), appender.lease())
        .map(Media::toJson));
  }

  private void bind(RoutingContext ctx) {
    AccessClaims caller = BearerAuth.caller(ctx);
    UUID id = Ids.parse("mediaId", ctx.pathParam("mediaId"));
    long seq = JsonBody.read(ctx, "seq").wholeNumber("seq");
    if (seq < 1) {
      throw new Refusal(ErrorCode.INVALID_FIELD, "seq", "'seq' must be a message seq (1 or more)");
    }
    Replies.json(ctx, 200, media.bind(id, caller.userId(), seq).map(Media::toJson));
  }

  private void delete(RoutingContext ctx) {
    AccessClaims caller = BearerAuth.caller(ctx);
    Replies.noContent(ctx, media.delete(Ids.parse("mediaId", ctx.pathParam("mediaId")), caller.userId()));
  }

  private void download(RoutingContext ctx) {
    AccessClaims caller = BearerAuth.caller(ctx);
    media.readable(Ids.parse("mediaId", ctx.pathParam("mediaId")), caller.userId())
        .compose(row -> serve(ctx, row))
        .onFailure(err -> {
          if (!ctx.response().headWritten()) {
            ctx.fail(err);
          } else {
            ctx.response().reset();
          }
        });
  }

  private Future<Void> serve(RoutingContext ctx, Media row) {
    HttpServerResponse response = ctx.response();
    // Attachments never change under an id, but they are personal: private caches only.
    response.putHeader("cache-control", "private, max-age=31536000, immutable").putHeader("etag", row.etag())
        .putHeader("accept-ranges", "bytes");
    var presigned = media.presigned(row);
    if (presigned.isPresent()) {
      response.setStatusCode(307).putHeader("location", presigned.get());
      return response.end();
    }
    String ifNoneMatch = ctx.request().getHeader("if-none-match");
    if (ifNoneMatch != null && (ifNoneMatch.trim().equals("*") || ifNoneMatch.contains(row.etag()))) {
      return response.setStatusCode(304).end();
    }
    long start = 0;
    long length = row.size();
    ByteRange.Result range = ByteRange.parse(ctx.request().getHeader("range"), row.size());
    if (range instanceof ByteRange.Unsatisfiable) {
      response.putHeader("content-range", "bytes */" + row.size());
      return Future.failedFuture(Refusal.of(ErrorCode.RANGE_NOT_SATISFIABLE, "the attachment has "
          + row.size() + " bytes"));
    }
    if (range instanceof ByteRange.Partial partial) {
      start = partial.range().start();
      length = partial.range().length();
      response.setStatusCode(206).putHeader("content-range", "bytes " + start + "-" + partial.range().end() + "/"
          + row.size());
    }
    response.putHeader("content-type", "application/octet-stream").putHeader("content-length", Long.toString(length));
    return media.open(row, start, length)
        .compose(stream -> stream.body().pipeTo(response).eventually(stream::close));
  }

  private static long number(String value, String header) {
    if (value == null || !NUMBER.matcher(value.trim()).matches()) {
      throw new Refusal(ErrorCode.INVALID_FIELD, header, header + " must be a whole number of bytes");
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new Refusal(ErrorCode.INVALID_FIELD, header, header + " is too large");
    }
  }
}
