package dev.parley.gateway;

import dev.parley.protocol.SendRecord.CommitParts;
import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import dev.parley.shared.ids.Ids;
import io.vertx.core.json.JsonObject;

import java.util.Base64;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Validation of a {@code send} frame (docs/protocol.md; the commit parts in docs/e2ee.md). Pure: returns the parsed
 * send or throws a {@link Refusal} with the documented error code and the field at fault (the error frame echoes the
 * received clientMsgId). Only shapes and sizes are checked here; the MLS content is the message role's to check.
 */
final class SendFrames {
  static final Pattern CLIENT_MSG_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
  static final Pattern KIND = Pattern.compile("[a-z][a-z0-9_]{0,31}");
  static final String COMMIT = "commit";
  static final Set<String> FIELDS = Set.of("type", "channelId", "clientMsgId", "kind", "payload", "welcome",
      "groupInfo", "ratchetTree");

  /** The size limits of a commit's parts, decoded bytes (config {@code mls.*}). */
  record CommitLimits(int commit, int welcome, int groupInfo, int ratchetTree) {
    static final CommitLimits DEFAULTS = new CommitLimits(65_536, 65_536, 16_384, 262_144);
  }

  /** A validated send; {@code commitParts} only for kind {@code commit}. */
  record Send(UUID channelId, String clientMsgId, String kind, byte[] payload, CommitParts commitParts) {
  }

  private SendFrames() {
  }

  static Send parse(JsonObject frame, int maxPayloadBytes) {
    return parse(frame, maxPayloadBytes, CommitLimits.DEFAULTS);
  }

  static Send parse(JsonObject frame, int maxPayloadBytes, CommitLimits limits) {
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
    boolean commit = kind.equals(COMMIT);
    byte[] payload = blob(frame, "payload", commit ? Math.min(maxPayloadBytes, limits.commit()) : maxPayloadBytes);
    CommitParts parts = null;
    if (commit) {
      byte[] welcome = frame.containsKey("welcome") ? blob(frame, "welcome", limits.welcome()) : null;
      parts = new CommitParts(welcome, blob(frame, "groupInfo", limits.groupInfo()),
          blob(frame, "ratchetTree", limits.ratchetTree()));
    } else {
      for (String field : new String[] {"welcome", "groupInfo", "ratchetTree"}) {
        if (frame.containsKey(field)) {
          throw new Refusal(ErrorCode.INVALID_FIELD, field, field + " is only allowed in a send of kind commit");
        }
      }
    }
    return new Send(channelId, clientMsgId, kind, payload, parts);
  }

  /** A required base64 field of at most {@code max} decoded bytes. */
  private static byte[] blob(JsonObject frame, String field, int max) {
    String b64 = requireString(frame, field);
    // Check the encoded length first, so an oversized value is refused before it is decoded.
    if (b64.length() > (max + 2L) / 3 * 4) {
      throw new Refusal(ErrorCode.PAYLOAD_TOO_LARGE, field, field + " exceeds " + max + " bytes");
    }
    byte[] bytes = base64(b64, field);
    if (bytes.length > max) {
      throw new Refusal(ErrorCode.PAYLOAD_TOO_LARGE, field, field + " exceeds " + max + " bytes");
    }
    return bytes;
  }

  static byte[] base64(String b64) {
    return base64(b64, "payload");
  }

  /**
   * Standard base64 with padding (RFC 4648 section 4), in its one canonical spelling: the decoder alone also takes
   * unpadded input and non-zero trailing bits ("QR==" for "QQ=="), so the text must re-encode to itself.
   */
  static byte[] base64(String b64, String field) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      bytes = null;
    }
    if (bytes == null || !Base64.getEncoder().encodeToString(bytes).equals(b64)) {
      throw new Refusal(ErrorCode.INVALID_FIELD, field, field + " must be standard base64 with '=' padding");
    }
    return bytes;
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
