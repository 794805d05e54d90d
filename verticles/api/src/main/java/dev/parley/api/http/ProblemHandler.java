package dev.parley.api.http;

import dev.parley.shared.ErrorCode;
import dev.parley.shared.http.Problems;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.pgclient.PgException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP: {@link ApiException}s keep their code, the body handler's 413 becomes
 * {@code payload_too_large}, and anything unexpected is logged once here and answered as a bare {@code internal}
 * problem, so no stack trace or SQL text ever reaches a client.
 */
public final class ProblemHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(ProblemHandler.class);

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
    if (failure instanceof ApiException e) {
      send(ctx, e);
    } else if (status == 413) {
      send(ctx, ApiException.of(ErrorCode.PAYLOAD_TOO_LARGE, "the request body is larger than this API accepts"));
    } else if (status >= 400 && status < 500) {
      send(ctx, ApiException.of(ErrorCode.BAD_REQUEST, "the request was refused (HTTP " + status + ")"));
    } else if (unavailable(failure)) {
      LOG.warn("{} {}: dependency unavailable: {}", ctx.request().method(), ctx.normalizedPath(), failure.toString());
      send(ctx, ApiException.of(ErrorCode.NOT_READY, "a backing service is unavailable; retry shortly"));
    } else {
      LOG.error("{} {} failed", ctx.request().method(), ctx.normalizedPath(), failure);
      send(ctx, ApiException.of(ErrorCode.INTERNAL, "internal error"));
    }
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
  public void send(RoutingContext ctx, ApiException e) {
    ErrorCode code = e.code();
    metrics.counter("parley.api.problems", "code", code.code()).increment();
    JsonObject doc = Problems.document(code, code.httpStatus(), e.getMessage()).put("instance", ctx.request().path());
    if (e.field() != null) {
      doc.put("field", e.field());
    }
    HttpServerResponse response = ctx.response().setStatusCode(code.httpStatus())
        .putHeader("content-type", Problems.CONTENT_TYPE);
    if (e.retryAfterSeconds() > 0) {
      response.putHeader("retry-after", Long.toString(e.retryAfterSeconds()));
    }
    if (code.httpStatus() == 401) {
      response.putHeader("www-authenticate", "Bearer realm=\"parley\"");
    }
    response.end(doc.encode());
  }
}
