package dev.parley.push;

import dev.parley.shared.push.PushPlatform;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * Builds the content-free pushes (docs/push.md, "Payloads"): messages are end-to-end encrypted, so a push carries
 * only the channel id, seq, msgId, the channel's unread count and a neutral text — never a payload, never a
 * preview. The sender's display name appears only when {@code push.showSenderName} is on (it is off by default,
 * because a lock screen would show who wrote).
 *
 * <p>APNs: an alert with {@code mutable-content: 1} (the app's notification service extension may fetch and
 * decrypt the message itself, on the device), the unread count as badge, the channel as thread, and the channel
 * id as {@code apns-collapse-id} (SNS message attribute {@code AWS.SNS.MOBILE.APNS.COLLAPSE_ID}), so a newer push
 * replaces an older one of the same channel on the device. FCM: an HTTP v1 data message with high Android priority
 * and the channel id as {@code collapse_key}.
 */
public final class PushPayloads {
  static final String COLLAPSE_ID = "AWS.SNS.MOBILE.APNS.COLLAPSE_ID";
  static final String PUSH_TYPE = "AWS.SNS.MOBILE.APNS.PUSH_TYPE";
  static final String PRIORITY = "AWS.SNS.MOBILE.APNS.PRIORITY";

  private final String neutralText;

  public PushPayloads(String neutralText) {
    this.neutralText = neutralText;
  }

  /** @param senderName shown as the title only when not null (the setting is on and the name is known) */
  public PushMessage build(PushPlatform platform, NotificationJob job, long unread, String senderName) {
    String collapse = job.channelId().toString();
    JsonObject structure = new JsonObject().put("default", neutralText);
    if (platform == PushPlatform.FCM) {
      JsonObject data = new JsonObject().put("channelId", collapse).put("seq", Long.toString(job.seq()))
          .put("msgId", job.msgId()).put("unread", Long.toString(unread)).put("text", neutralText);
      if (senderName != null) {
        data.put("sender", senderName);
      }
      // FCM v1 data values must be strings.
      JsonObject message = new JsonObject().put("data", data)
          .put("android", new JsonObject().put("priority", "high").put("collapse_key", collapse));
      structure.put(platform.snsKey(), new JsonObject().put("fcmV1Message",
          new JsonObject().put("message", message)).encode());
      return new PushMessage(structure.encode(), Map.of());
    }
    JsonObject alert = new JsonObject().put("body", neutralText);
    if (senderName != null) {
      alert.put("title", senderName);
    }
    JsonObject aps = new JsonObject().put("alert", alert).put("badge", unread).put("sound", "default")
        .put("mutable-content", 1).put("thread-id", collapse);
    JsonObject apns = new JsonObject().put("aps", aps).put("parley", new JsonObject().put("channelId", collapse)
        .put("seq", job.seq()).put("msgId", job.msgId()));
    structure.put(platform.snsKey(), apns.encode());
    return new PushMessage(structure.encode(), Map.of(COLLAPSE_ID, collapse, PUSH_TYPE, "alert", PRIORITY, "10"));
  }
}
