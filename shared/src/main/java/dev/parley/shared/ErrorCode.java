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
  INTERNAL("internal", 500),

  // REST API (issue 3): authentication and tokens.
  AUTH_REQUIRED("auth_required", 401),
  INVALID_TOKEN("invalid_token", 401),
  DEVICE_REVOKED("device_revoked", 401),
  TOKEN_REVOKED("token_revoked", 401),
  INVALID_CREDENTIALS("invalid_credentials", 401),
  INVALID_REFRESH_TOKEN("invalid_refresh_token", 401),
  REFRESH_TOKEN_REUSED("refresh_token_reused", 401),
  // Authorization.
  NOT_A_MEMBER("not_a_member", 403),
  NOT_ADMIN("not_admin", 403),
  BLOCKED("blocked", 403),
  // Missing resources.
  USER_NOT_FOUND("user_not_found", 404),
  DEVICE_NOT_FOUND("device_not_found", 404),
  CHANNEL_NOT_FOUND("channel_not_found", 404),
  MEMBER_NOT_FOUND("member_not_found", 404),
  METHOD_NOT_ALLOWED("method_not_allowed", 405),
  // Conflicts with the current state.
  USERNAME_TAKEN("username_taken", 409),
  DEVICE_LIMIT_REACHED("device_limit_reached", 409),
  MEMBER_LIMIT_REACHED("member_limit_reached", 409),
  ALREADY_MEMBER("already_member", 409),
  NOT_A_GROUP("not_a_group", 409),
  // Key directory (issue 13, docs/e2ee.md).
  SIGNATURE_KEY_NOT_REGISTERED("signature_key_not_registered", 409),
  SIGNATURE_KEY_ALREADY_REGISTERED("signature_key_already_registered", 409),
  KEY_PACKAGE_STOCK_FULL("key_package_stock_full", 409),
  INVALID_KEY_PACKAGE("invalid_key_package", 422),
  // MLS Delivery Service (issue 13, docs/e2ee.md "Delivery Service protocol"): refusals of sends (error frames) and
  // of the group-info / welcome routes.
  /** The commit or application message was built on an older epoch than the channel's (also a replayed commit). */
  STALE_EPOCH("stale_epoch", 409),
  /** Built on an epoch the channel has not reached. */
  MLS_FUTURE_EPOCH("mls_future_epoch", 409),
  /** Not a canonical MLS encoding of the expected kind, or parts of a commit that do not fit together. */
  MLS_MALFORMED("mls_malformed", 422),
  /** The MLS group id is not the channel's. */
  MLS_WRONG_GROUP("mls_wrong_group", 422),
  /** The committer or joiner is not the sending device, or a signature does not verify with its registered key. */
  MLS_FORGED_SENDER("mls_forged_sender", 403),
  /** A leaf or added device that is not an active device of a current member (or a device twice). */
  MLS_MEMBERSHIP_MISMATCH("mls_membership_mismatch", 409),
  /** The group still holds leaves of removed devices: commit their removal first. */
  MLS_REMOVAL_PENDING("mls_removal_pending", 409),
  /** Standalone proposals, encrypted handshake messages, removes in external commits, other kinds. */
  MLS_UNSUPPORTED("mls_unsupported", 422),
  /** No commit was accepted in the channel yet (epoch 0): there is no GroupInfo. */
  MLS_GROUP_NOT_FOUND("mls_group_not_found", 404),
  /** The asked epoch's GroupInfo is not kept (or not reached). */
  MLS_EPOCH_NOT_FOUND("mls_epoch_not_found", 404),
  /** No such Welcome in the calling device's inbox. */
  WELCOME_NOT_FOUND("welcome_not_found", 404),
  // Request shape.
  MALFORMED_JSON("malformed_json", 400),
  PAYLOAD_TOO_LARGE("payload_too_large", 413),
  /** The request line (path and query) is longer than the HTTP server reads. */
  URI_TOO_LONG("uri_too_long", 414),
  /** The request headers are larger than the HTTP server reads. */
  HEADERS_TOO_LARGE("headers_too_large", 431),
  UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415),
  UNKNOWN_FIELD("unknown_field", 422),
  INVALID_FIELD("invalid_field", 422),
  INVALID_USERNAME("invalid_username", 422),
  WEAK_PASSWORD("weak_password", 422),
  // Abuse limits.
  RATE_LIMITED("rate_limited", 429),

  // Attachments (issue 15, docs/media.md).
  /** No such attachment, or the caller may not see it (not a member of its channel; not the uploader). */
  MEDIA_NOT_FOUND("media_not_found", 404),
  /** The declared size is over media.maxFileBytes. */
  MEDIA_TOO_LARGE("media_too_large", 413),
  /** The caller's attachments would exceed media.quotaMiBPerUser. */
  MEDIA_QUOTA_EXCEEDED("media_quota_exceeded", 409),
  /** A chunk's Upload-Offset is not the committed offset (the problem carries the current one). */
  UPLOAD_OFFSET_MISMATCH("upload_offset_mismatch", 409),
  /** Another request is appending to this upload right now (or its node died and the lease has not run out). */
  UPLOAD_BUSY("upload_busy", 409),
  /** A chunk that runs past the declared size, is empty, or is below the storage's minimum non-final chunk. */
  UPLOAD_CHUNK_INVALID("upload_chunk_invalid", 422),
  /** A chunk without Content-Length (chunked transfer encoding is not accepted for uploads). */
  LENGTH_REQUIRED("length_required", 411),
  /** Finish (or bind) before every declared byte has arrived. */
  UPLOAD_INCOMPLETE("upload_incomplete", 409),
  /** The stored bytes do not hash to the declared SHA-256; the upload has been discarded. */
  DIGEST_MISMATCH("digest_mismatch", 422),
  /** The upload stream sent nothing for media.uploadIdleTimeoutSeconds; what arrived is kept. */
  UPLOAD_TIMEOUT("upload_timeout", 408),
  /** A Range that starts past the end of the attachment. */
  RANGE_NOT_SATISFIABLE("range_not_satisfiable", 416),

  // WebSocket frame protocol (issue 4, docs/protocol.md).
  MALFORMED_FRAME("malformed_frame", 400),
  UNKNOWN_TYPE("unknown_type", 400),
  UNAVAILABLE("unavailable", 503),
  /** No gateway can take a client now (none registered, all draining or full). */
  NO_GATEWAY("no_gateway", 503),
  /** The discovery role did not answer in time. */
  DISCOVERY_UNAVAILABLE("discovery_unavailable", 503),
  /** The presence role did not answer in time. */
  PRESENCE_UNAVAILABLE("presence_unavailable", 503),

  // Edges (issue 18, docs/api.md "Edges").
  /** A WebSocket upgrade from a browser page whose Origin is not in edge.allowedOrigins (or without one, if so set). */
  ORIGIN_NOT_ALLOWED("origin_not_allowed", 403),
  /** An ops-port admin call without a valid operator token (Authorization: Bearer, edge.opsAdminToken). */
  OPERATOR_TOKEN_REQUIRED("operator_token_required", 401),
  /** An ops-port admin call from a non-loopback peer (edge.opsAdminRemote false), or admin is off (no token set). */
  ADMIN_FORBIDDEN("admin_forbidden", 403),

  // Push registration (issue 14, docs/push.md).
  /** The platform is not one of apns, apns_sandbox, fcm, or this deployment has no application for it. */
  UNKNOWN_PUSH_PLATFORM("unknown_push_platform", 422),
  /** The token does not have its platform's shape (APNs: 64 hex characters; FCM: 32-4096 of [A-Za-z0-9_:.-]). */
  INVALID_PUSH_TOKEN("invalid_push_token", 422),
  /** Only a device itself registers its push token. */
  PUSH_NOT_OWN_DEVICE("push_not_own_device", 403),
  /** The device has no push registration. */
  PUSH_NOT_REGISTERED("push_not_registered", 404),
  /** SNS did not answer or failed; retry. */
  PUSH_UNAVAILABLE("push_unavailable", 503);

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
