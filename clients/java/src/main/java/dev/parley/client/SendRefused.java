package dev.parley.client;

import io.vertx.core.json.JsonObject;

/** The server refused a send with an {@code error} frame (docs/protocol.md, docs/e2ee.md): its code and fields. */
public final class SendRefused extends IllegalStateException {
  private final transient JsonObject frame;

  SendRefused(JsonObject frame) {
    super(frame.getString("code") + ": " + frame.getString("message"));
    this.frame = frame.copy();
  }

  /** The stable error code, e.g. {@code stale_epoch}, {@code not_a_member}. */
  public String code() {
    return frame.getString("code");
  }

  /** The channel's current epoch, on MLS refusals that name it (else -1). */
  public long epoch() {
    return frame.getLong("epoch", -1L);
  }

  public JsonObject frame() {
    return frame.copy();
  }
}
