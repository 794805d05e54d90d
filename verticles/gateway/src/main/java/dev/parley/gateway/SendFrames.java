package dev.parley.gateway;

import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import dev.parley.shared.ids.Ids;
import io.vertx.core.json.JsonObject;

import java.util.Base64;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Validation of a {@code send} frame (docs/protocol.md). Pure: returns the parsed send or throws a {@link Refusal}
 * with the documented error code and the field at fault (the error frame echoes the received clientMsgId).
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
        throw new Refusal(ErrorCode.INVALID_FIELD, field, "unknown field '" + field + "' in send");
      }
    }
    String clientMsgId = string(frame, "clientMsgId");
    if (clientMsgId == null || !CLIENT_MSG_ID.matcher(clientMsgId).matches()) {
      throw new Refusal(ErrorCode.INVALID_FIELD, "clientMsgId", "clientMsgId must be 1-64 characters of [A-Za-z0-9_.:-]");
    }
    UUID channelId = Ids.parse("channelId", frame.getValue("channelId"));
    String kind = frame.containsKey("kind") ? string(frame, "kind") : "application";
    if (kind == null || !KIND.matcher(kind).matches()) {
      throw new Refusal(ErrorCode.INVALID_FIELD, "kind", "kind must match [a-z][a-z0-9_]{0,31}");
    }
    String b64 = requireString(frame, "payload");
    // Check the encoded length first, so an oversized payload is refused before it is decoded.
    if (b64.length() > (maxPayloadBytes + 2L) / 3 * 4) {
      throw new Refusal(ErrorCode.PAYLOAD_TOO_LARGE, "payload", "payload exceeds " + maxPayloadBytes + " bytes");
    }
    byte[] payload = base64(b64);
    if (payload.length > maxPayloadBytes) {
      throw new Refusal(ErrorCode.PAYLOAD_TOO_LARGE, "payload", "payload exceeds " + maxPayloadBytes + " bytes");
    }
    return new Send(channelId, clientMsgId, kind, payload);
  }

  /**
   * Standard base64 with padding (RFC 4648 section 4), in its one canonical spelling: the decoder alone also takes
   * unpadded input and non-zero trailing bits ("QR==" for "QQ=="), so the text must re-encode to itself.
   */
  static byte[] base64(String b64) {
    byte[] payload;
    try {
      payload = Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      payload = null;
    }
    if (payload == null || !Base64.getEncoder().encodeToString(payload).equals(b64)) {
      throw new Refusal(ErrorCode.INVALID_FIELD, "payload", "payload must be standard base64 with '=' padding");
    }
    return payload;
  }

  private static String requireString(JsonObject frame, String field) {
    String value = string(frame, field);
    if (value == null) {
      throw new Refusal(ErrorCode.INVALID_FIELD, field, field + " is required and must be a string");
    }
    return value;
  }

  private static String string(JsonObject frame, String field) {
    Object value = frame.getValue(field);
    return value instanceof String s ? s : null;
  }
}
