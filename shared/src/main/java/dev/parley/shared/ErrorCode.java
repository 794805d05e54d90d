package dev.parley.shared;

/**
 * Stable, machine-readable error codes shared by REST problem documents, WebSocket error frames and
 * event-bus failures. The code string never changes once published; the HTTP status is the default mapping.
 */
public enum ErrorCode {
  BAD_REQUEST("bad_request", 400),
  NOT_FOUND("not_found", 404),
  NODE_UNREACHABLE("node_unreachable", 404),
  NOT_READY("not_ready", 503),
  TIMEOUT("timeout", 504),
  INTERNAL("internal", 500);

  private final String code;
  private final int httpStatus;

  ErrorCode(String code, int httpStatus) {
    this.code = code;
    this.httpStatus = httpStatus;
  }

  public String code() {
    return code;
  }

  public int httpStatus() {
    return httpStatus;
  }
}
