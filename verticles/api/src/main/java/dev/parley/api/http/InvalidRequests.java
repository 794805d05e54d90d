package dev.parley.api.http;

import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;

/**
 * Requests the HTTP server itself could not read (request line over 4096 bytes, headers over 8 KiB, a malformed
 * request line): answered as problem+json like every other error, where Vert.x's default answers a bare 414, 431
 * or 400 with an empty body. The connection is closed after the answer, as the default does.
 */
public final class InvalidRequests implements Handler<HttpServerRequest> {
  private final ProblemHandler problems;

  public InvalidRequests(ProblemHandler problems) {
    this.problems = problems;
  }

  @Override
  public void handle(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    Refusal refusal = cause instanceof TooLongHttpLineException
        ? Refusal.of(ErrorCode.URI_TOO_LONG, "the request line (method, path and query) is too long")
        : cause instanceof TooLongHttpHeaderException
        ? Refusal.of(ErrorCode.HEADERS_TOO_LARGE, "the request headers are too large")
        : Refusal.of(ErrorCode.BAD_REQUEST, "the HTTP request could not be read");
    // Say so before closing, or a keep-alive client may reuse the connection for its next request.
    request.response().putHeader("connection", "close");
    problems.send(request, refusal).onComplete(ar -> request.connection().close());
  }
}
