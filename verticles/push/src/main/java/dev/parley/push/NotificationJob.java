package dev.parley.push;

import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * One notification job from {@code parley.notifications}, as the message role's fan-out writes it for a member
 * device without a live session: {@code {"type":"message", userId, deviceId, channelId, seq, msgId, kind, ts,
 * senderId}}. It carries ids only; the message payload never reaches the push role.
 *
 * @param ts        the message's commit time (epoch ms), the start of the commit-to-push latency
 * @param senderId  the sending user, or null in jobs written before it was added
 */
public record NotificationJob(UUID userId, UUID deviceId, UUID channelId, long seq, String msgId, long ts,
                              UUID senderId) {

  /** Parses a job strictly; throws {@link IllegalArgumentException} naming what is wrong. */
  public static NotificationJob parse(String value) {
    JsonObject json;
    try {
      json = new JsonObject(value);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a JSON object");
    }
    if (!"message".equals(json.getValue("type"))) {
      throw new IllegalArgumentException("unknown job type " + json.getValue("type"));
    }
    long seq = number(json, "seq");
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be >= 1");
    }
    String msgId = text(json, "msgId");
    if (!msgId.matches("-?\\d{1,20}")) {
      throw new IllegalArgumentException("msgId must be a decimal id");
    }
    Object sender = json.getValue("senderId");
    return new NotificationJob(uuid(json, "userId"), uuid(json, "deviceId"), uuid(json, "channelId"), seq, msgId,
        number(json, "ts"), sender == null ? null : uuid(json, "senderId"));
  }

  private static String text(JsonObject json, String field) {
    if (!(json.getValue(field) instanceof String s)) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return s;
  }

  private static UUID uuid(JsonObject json, String field) {
    try {
      return UUID.fromString(text(json, field));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + " must be a UUID");
    }
  }

  private static long number(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (!(v instanceof Integer) && !(v instanceof Long)) {
      throw new IllegalArgumentException(field + " must be an integer");
    }
    return ((Number) v).longValue();
  }
}
