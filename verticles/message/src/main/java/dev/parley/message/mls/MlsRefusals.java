package dev.parley.message.mls;

import dev.parley.mls.MlsException;
import dev.parley.protocol.SessionFrames;
import dev.parley.shared.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Collection;
import java.util.UUID;

/**
 * The error frames the Delivery Service sends to a device whose send it refused (docs/e2ee.md "Refusals"):
 * {@code {type:"error", code, message, clientMsgId, field?, epoch?, leaves?, deviceId?}}.
 */
final class MlsRefusals {

  private MlsRefusals() {
  }

  static JsonObject of(ErrorCode code, String clientMsgId, String field, String message) {
    JsonObject frame = SessionFrames.error(code.code(), message, clientMsgId);
    if (field != null) {
      frame.put("field", field);
    }
    return frame;
  }

  static JsonObject stale(String clientMsgId, long built, long current) {
    return of(ErrorCode.STALE_EPOCH, clientMsgId, null, "built on epoch " + built + ", channel is at epoch "
        + current).put("epoch", current);
  }

  static JsonObject future(String clientMsgId, long built, long current) {
    return of(ErrorCode.MLS_FUTURE_EPOCH, clientMsgId, null, "built on epoch " + built + ", channel is only at epoch "
        + current).put("epoch", current);
  }

  static JsonObject removalPending(String clientMsgId, long epoch, Collection<Integer> leaves) {
    return of(ErrorCode.MLS_REMOVAL_PENDING, clientMsgId, null, "the group still holds leaves of removed devices: "
        + "commit their removal first").put("epoch", epoch)
        .put("leaves", new JsonArray(leaves.stream().map(i -> (Object) i).toList()));
  }

  static JsonObject membership(String clientMsgId, String field, UUID device, String message) {
    JsonObject frame = of(ErrorCode.MLS_MEMBERSHIP_MISMATCH, clientMsgId, field, message);
    return device == null ? frame : frame.put("deviceId", device.toString());
  }

  static JsonObject unavailable(String clientMsgId) {
    return of(ErrorCode.UNAVAILABLE, clientMsgId, null, "the channel's MLS state could not be read now; resend "
        + "shortly");
  }

  /** A refusal by the MLS layer's reason. */
  static JsonObject of(MlsException.Reason reason, String clientMsgId, String field, String message) {
    return of(codeOf(reason), clientMsgId, field, message);
  }

  static ErrorCode codeOf(MlsException.Reason reason) {
    return switch (reason) {
      case WRONG_GROUP -> ErrorCode.MLS_WRONG_GROUP;
      case STALE_EPOCH -> ErrorCode.STALE_EPOCH;
      case FUTURE_EPOCH -> ErrorCode.MLS_FUTURE_EPOCH;
      case REJECTED, KEY_MISMATCH, UNKNOWN_DEVICE -> ErrorCode.MLS_FORGED_SENDER;
      case UNSUPPORTED -> ErrorCode.MLS_UNSUPPORTED;
      case NOT_A_MEMBER -> ErrorCode.MLS_MEMBERSHIP_MISMATCH;
      case MALFORMED, WRONG_SUITE, BAD_CREDENTIAL, BAD_LIFETIME, BAD_SNAPSHOT -> ErrorCode.MLS_MALFORMED;
    };
  }
}
