package dev.parley.shared;

/**
 * The one way to refuse a request, at any depth and on any edge: a stable {@link ErrorCode}, the request field at
 * fault (or null) and a human-readable detail. Thrown or failed into a Future; each edge has exactly one mapper —
 * HTTP problem+json (the api's ProblemHandler), the WebSocket error frame (the gateway), and the event bus
 * ({@link EventBusRefusals}, which carries the code's name across nodes) — so no layer invents its own status.
 */
public final class Refusal extends RuntimeException {
  private final ErrorCode code;
  private final String field;
  private final long retryAfterSeconds;

  public Refusal(ErrorCode code, String field, String detail) {
    this(code, field, detail, 0);
  }

  private Refusal(ErrorCode code, String field, String detail, long retryAfterSeconds) {
    // No stack trace: a refusal is an expected outcome, raised per bad request.
    super(detail, null, false, false);
    if (code == null) {
      throw new IllegalArgumentException("a refusal needs a code");
    }
    this.code = code;
    this.field = field;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** A refusal not about one field. */
  public static Refusal of(ErrorCode code, String detail) {
    return new Refusal(code, null, detail);
  }

  /** {@code rate_limited}, with the seconds after which a retry may succeed (HTTP Retry-After). */
  public static Refusal rateLimited(long retryAfterSeconds, String detail) {
    return new Refusal(ErrorCode.RATE_LIMITED, null, detail, Math.max(1, retryAfterSeconds));
  }

  public ErrorCode code() {
    return code;
  }

  /** The request field at fault, or null. */
  public String field() {
    return field;
  }

  public String detail() {
    return getMessage();
  }

  /** Seconds for a Retry-After, or 0 when there is none. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  @Override
  public String toString() {
    return "Refusal[" + code.code() + (field == null ? "" : ", field " + field) + "]: " + getMessage();
  }
}
