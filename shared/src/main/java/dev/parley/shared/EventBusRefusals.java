package dev.parley.shared;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * The event-bus edge of {@link Refusal}: a consumer fails a request with the refusal's {@link ErrorCode} NAME (and
 * field and detail) in the failure message, and the requester decodes it back into the same {@link Refusal}, so a
 * code crosses nodes by name instead of as a bare int each side must agree on.
 */
public final class EventBusRefusals {
  /** The failure code of a refusal reply (anything else is a fault, not a refusal). */
  public static final int FAILURE_CODE = 4_000;

  private EventBusRefusals() {
  }

  /** Replies to {@code message} with {@code err}: a {@link Refusal} as itself, anything else as {@code fallback}. */
  public static void fail(Message<?> message, Throwable err, ErrorCode fallback) {
    Refusal r = err instanceof Refusal refusal ? refusal : Refusal.of(fallback, fallback.code());
    JsonObject body = new JsonObject().put("code", r.code().name()).put("detail", r.detail());
    if (r.field() != null) {
      body.put("field", r.field());
    }
    message.fail(FAILURE_CODE, body.encode());
  }

  /**
   * The refusal a request failed with, decoded; a timeout, a missing consumer or any other fault becomes
   * {@code unavailable} with {@code unavailableDetail} (the caller's own code for "that role did not answer").
   */
  public static Refusal decode(Throwable err, ErrorCode unavailable, String unavailableDetail) {
    if (err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && re.failureCode() == FAILURE_CODE) {
      try {
        JsonObject body = new JsonObject(re.getMessage());
        return new Refusal(ErrorCode.valueOf(body.getString("code")), body.getString("field"),
            body.getString("detail"));
      } catch (DecodeException | IllegalArgumentException | NullPointerException | ClassCastException e) {
        // A reply from a node of another version: not ours to interpret.
      }
    }
    return Refusal.of(unavailable, unavailableDetail);
  }
}
