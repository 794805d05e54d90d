package dev.parley.gateway;

import dev.parley.protocol.SessionFrames;
import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import dev.parley.shared.json.StrictJson;
import dev.parley.shared.text.Texts;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * The WebSocket edge of {@link Refusal}: the one place a refusal becomes an {@code error} frame
 * ({@code {type:"error", code, message, field?}}, docs/protocol.md "Errors"), plus the strict reading of an
 * inbound text frame. The socket stays open after an error frame.
 */
final class ErrorFrames {
  /**
   * The longest string echoed back from the frame being refused (its {@code clientMsgId}, {@code channelId},
   * {@code id}), so a client can match the error to what it sent even when that value was itself the problem.
   */
  static final int MAX_ECHO = 256;

  private ErrorFrames() {
  }

  /** One inbound text frame: strict JSON (no comments, no duplicate names), one object, clean text throughout. */
  static JsonObject parse(String text) {
    Object parsed;
    try {
      parsed = StrictJson.decode(text);
    } catch (DecodeException e) {
      throw Refusal.of(ErrorCode.MALFORMED_FRAME, "a frame must be one strict JSON object (RFC 8259, no comments)");
    }
    if (!(parsed instanceof JsonObject frame)) {
      throw Refusal.of(ErrorCode.MALFORMED_FRAME, "a frame must be one JSON object");
    }
    Texts.requireClean(frame, null);
    return frame;
  }

  static JsonObject of(ErrorCode code, String message) {
    return SessionFrames.error(code.code(), message, null);
  }

  static JsonObject of(Refusal r) {
    JsonObject frame = of(r.code(), r.detail());
    if (r.field() != null) {
      frame.put("field", r.field());
    }
    return frame;
  }

  /**
   * Copies {@code names} from the refused frame into the error as they were received: strings of clean text up to
   * {@link #MAX_ECHO} characters and numbers; anything else is left out (the client then matches by order).
   */
  static JsonObject echo(JsonObject error, JsonObject received, String... names) {
    if (received == null) {
      return error;
    }
    for (String name : names) {
      Object value = received.getValue(name);
      if (value instanceof String s && s.length() <= MAX_ECHO && Texts.problem(s) == null || value instanceof Number) {
        error.put(name, value);
      }
    }
    return error;
  }
}
