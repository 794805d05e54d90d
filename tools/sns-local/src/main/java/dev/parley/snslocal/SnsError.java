package dev.parley.snslocal;

/**
 * A refusal in the shape Amazon SNS answers with over the Query API: an {@code <ErrorResponse>} whose {@code Code}
 * names the SDK's modeled exception ({@code InvalidParameter} → {@code InvalidParameterException}, …) with the HTTP
 * status the SNS service model gives that code.
 */
final class SnsError extends RuntimeException {
  final int status;
  final String type;
  final String code;

  private SnsError(int status, String type, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.type = type;
    this.code = code;
  }

  static SnsError invalidParameter(String message) {
    return new SnsError(400, "Sender", "InvalidParameter", "Invalid parameter: " + message);
  }

  static SnsError notFound(String message) {
    return new SnsError(404, "Sender", "NotFound", message);
  }

  static SnsError endpointDisabled() {
    return new SnsError(400, "Sender", "EndpointDisabled", "Endpoint is disabled");
  }

  static SnsError throttled() {
    return new SnsError(429, "Sender", "Throttled", "Rate exceeded");
  }

  static SnsError internal(int status) {
    return status == 503 ? new SnsError(503, "Receiver", "ServiceUnavailable", "Service is unavailable")
        : new SnsError(500, "Receiver", "InternalError", "Internal error");
  }

  static SnsError invalidAction(String action) {
    return new SnsError(400, "Sender", "InvalidAction", "The action " + action + " is not valid for this endpoint.");
  }

  static SnsError missingAuthentication() {
    return new SnsError(403, "Sender", "MissingAuthenticationToken", "Request is missing Authentication Token");
  }
}
