package dev.parley.gateway;

import dev.parley.shared.ErrorCode;
import io.vertx.core.json.JsonObject;

import java.util.Base64;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Validation of a {@code send} frame (docs/protocol.md). Pure: returns the parsed send or throws
 * {@link FrameException} with the documented error code.
 */
final class SendFrames {
  static final Pattern CLIENT_MSG_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
  static final Pattern KIND = Pattern.compile("[a-z][a-z0-9_]{0,31}");
  static final Set<String> FIELDS = Set.of("type", "channelId", "clientMsgId", "kind", "payload");

  /** A validated send. */
  record Send(UUID channelId, String clientMsgId, String kind, byte[] payload) {
  }

  private SendFrames() {
  }

  static Send parse(JsonObject frame, int maxPayloadBytes) {
    for (String field : frame.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw new FrameException(ErrorCode.INVALID_FIELD, "unknown field '" + field + "' in send");
      }
    }
    String clientMsgId = string(frame, "clientMsgId");
    if (clientMsgId == null || !CLIENT_MSG_ID.matcher(clientMsgId).matches()) {
      throw new FrameException(ErrorCode.INVALID_FIELD, "clientMsgId must be 1-64 characters of [A-Za-z0-9_.:-]");
    }
    UUID channelId;
    try {
      channelId = UUID.fromString(requireString(frame, "channelId", clientMsgId));
    } catch (IllegalArgumentException e) {
      throw new FrameException(ErrorCode.INVALID_FIELD, "channelId must be a UUID", clientMsgId);
    }
    String kind = frame.containsKey("kind") ? string(frame, "kind") : "application";
    if (kind == null || !KIND.matcher(kind).matches()) {
      throw new FrameException(ErrorCode.INVALID_FIELD, "kind must match [a-z][a-z0-9_]{0,31}", clientMsgId);
    }
    String b64 = requireString(frame, "payload", clientMsgId);
    // Check the encoded length first, so an oversized payload is refused before it is decoded.
    if (b64.length() > (maxPayloadBytes + 2L) / 3 * 4) {
      throw new FrameException(ErrorCode.PAYLOAD_TOO_LARGE, "payload exceeds " + maxPayloadBytes + " bytes", clientMsgId);
    }
    byte[] payload;
    try {
      payload = Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw new FrameException(ErrorCode.INVALID_FIELD, "payload must be standard base64", clientMsgId);
    }
    if (payload.length > maxPayloadBytes) {
      throw new FrameException(ErrorCode.PAYLOAD_TOO_LARGE, "payload exceeds " + maxPayloadBytes + " bytes", clientMsgId);
    }
    return new Send(channelId, clientMsgId, kind, payload);
  }

  private static String requireString(JsonObject frame, String field, String clientMsgId) {
    String value = string(frame, field);
    if (value == null) {
      throw new FrameException(ErrorCode.INVALID_FIELD, field + " is required and must be a string", clientMsgId);
    }
    return value;
  }

  private static String string(JsonObject frame, String field) {
    Object value = frame.getValue(field);
    return value instanceof String s ? s : null;
  }
}
