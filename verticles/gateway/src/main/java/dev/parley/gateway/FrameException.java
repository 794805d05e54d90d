package dev.parley.gateway;

import dev.parley.protocol.SessionFrames;
import dev.parley.shared.ErrorCode;
import io.vertx.core.json.JsonObject;

/** A frame refused with a documented error code; becomes an {@code error} frame, the socket stays open. */
final class FrameException extends RuntimeException {
  final ErrorCode code;
  final String clientMsgId;

  FrameException(ErrorCode code, String message) {
    this(code, message, null);
  }

  FrameException(ErrorCode code, String message, String clientMsgId) {
    super(message, null, false, false);
    this.code = code;
    this.clientMsgId = clientMsgId;
  }

  JsonObject toFrame() {
    return errorFrame(code, getMessage(), clientMsgId);
  }

  static JsonObject errorFrame(ErrorCode code, String message, String clientMsgId) {
    return SessionFrames.error(code.code(), message, clientMsgId);
  }
}
