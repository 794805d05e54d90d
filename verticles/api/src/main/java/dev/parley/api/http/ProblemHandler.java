package dev.parley.api.http;

import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import dev.parley.shared.http.Problems;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.pgclient.PgException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP: {@link Refusal}s keep their code, the body handler's 413 becomes
 * {@code payload_too_large}, and anything unexpected is logged once here and answered as a bare {@code internal}
 * problem, so no stack trace or SQL text ever reaches a client.
 */
public final class ProblemHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(ProblemHandler.class);

  /** Longer paths are not echoed back as {@code instance} (the request line limit is 4 KiB). */
  private static final int MAX_INSTANCE = 512;

  private final MeterRegistry metrics;

  public ProblemHandler(MeterRegistry metrics) {
    this.metrics = metrics;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      LOG.warn("{} {} failed after the response started", ctx.request().method(), ctx.normalizedPath(), ctx.failure());
      response.reset();
      return;
    }
    Throwable failure = ctx.failure();
    // ctx.fail(int) from vertx-web's own handlers arrives as an HttpException (or a bare status code).
    int status = failure instanceof HttpException he ? he.getStatusCode() : failure == null ? ctx.statusCode() : 500;
    if (failure instanceof Refusal e) {
      send(ctx, e);
    } else if (status == 413) {
      send(ctx, Refusal.of(ErrorCode.PAYLOAD_TOO_LARGE, "the request body is larger than this API accepts"));
    } else if (status >= 400 && status < 500) {
      send(ctx, Refusal.of(forStatus(status), "the request was refused (HTTP " + status + ")"));
    } else if (unavailable(failure)) {
      LOG.warn("{} {}: dependency unavailable: {}", ctx.request().method(), ctx.normalizedPath(), failure.toString());
      send(ctx, Refusal.of(ErrorCode.NOT_READY, "a backing service is unavailable; retry shortly"));
    } else {
      LOG.error("{} {} failed", ctx.request().method(), ctx.normalizedPath(), failure);
      send(ctx, Refusal.of(ErrorCode.INTERNAL, "internal error"));
    }
  }

  /** The general code of a 4xx status raised by the HTTP layer (vertx-web's own handlers). */
  private static ErrorCode forStatus(int status) {
    return switch (status) {
      case 404 -> ErrorCode.NOT_FOUND;
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
      case 414 -> ErrorCode.URI_TOO_LONG;
      case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
      case 431 -> ErrorCode.HEADERS_TOO_LARGE;
      default -> ErrorCode.BAD_REQUEST;
    };
  }

  /** Connection refused or an administrator shutdown of Postgres: the client may retry, it is not our bug. */
  private static boolean unavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof java.net.ConnectException || t instanceof PgException pg && "57P01".equals(pg.getSqlState())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Writes {@code e} as a problem document (also used by the router's 404/405 handlers) and counts it by code, so
   * a spike of e.g. {@code refresh_token_reused} or {@code rate_limited} is visible on /metrics.
   */
  public void send(RoutingContext ctx, Refusal e) {
    send(ctx.request(), e);
  }

  /** The same for a request no route saw (the HTTP server's invalid-request handler). */
  public Future<Void> send(HttpServerRequest request, Refusal e) {
    ErrorCode code = e.code();
    metrics.counter("parley.api.problems", "code", code.code()).increment();
    JsonObject doc = Problems.document(code, code.httpStatus(), e.getMessage());
    String path = request.path();
    if (path != null && path.length() <= MAX_INSTANCE) {
      doc.put("instance", path);
    }
    if (e.field() != null) {
      doc.put("field", e.field());
    }
    HttpServerResponse response = request.response().setStatusCode(code.httpStatus())
        .putHeader("content-type", Problems.CONTENT_TYPE);
    if (e.retryAfterSeconds() > 0) {
      response.putHeader("retry-after", Long.toString(e.retryAfterSeconds()));
    }
    if (code.httpStatus() == 401) {
      response.putHeader("www-authenticate", "Bearer realm=\"parley\"");
    }
    return response.end(doc.encode());
  }
}
