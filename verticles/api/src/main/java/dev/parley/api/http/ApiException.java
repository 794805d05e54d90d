package dev.parley.api.http;

import dev.parley.shared.ErrorCode;

/**
 * A refusal the client should see: becomes one problem+json response with the stable {@link ErrorCode}. Thrown or
 * failed into a Future anywhere in a request; {@link ProblemHandler} is the single place that maps it to HTTP.
 */
public final class ApiException extends RuntimeException {
  private final ErrorCode code;
  private final String field;
  private final long retryAfterSeconds;

  private ApiException(ErrorCode code, String detail, String field, long retryAfterSeconds) {
    super(detail, null, false, false);
    this.code = code;
    this.field = field;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static ApiException of(ErrorCode code, String detail) {
    return new ApiException(code, detail, null, 0);
  }

  /** A refusal about one request field; the problem document names it in {@code field}. */
  public static ApiException field(ErrorCode code, String field, String detail) {
    return new ApiException(code, detail, field, 0);
  }

  public static ApiException rateLimited(long retryAfterSeconds, String detail) {
    return new ApiException(ErrorCode.RATE_LIMITED, detail, null, Math.max(1, retryAfterSeconds));
  }

  public ErrorCode code() {
    return code;
  }

  /** The request field at fault, or null. */
  public String field() {
    return field;
  }

  /** Seconds for the Retry-After header, or 0 when there is none. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
