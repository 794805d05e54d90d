package dev.parley.push;

import dev.parley.shared.push.PushPlatform;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class PushPayloadsTest {
  private final UUID channel = UUID.randomUUID();
  private final NotificationJob job = new NotificationJob(UUID.randomUUID(), UUID.randomUUID(), channel, 42, "123456789",
      1_000L, UUID.randomUUID());
  private final PushPayloads payloads = new PushPayloads("New message");

  @Test
  @DisplayName("APNs: neutral alert, mutable-content 1, unread count as badge, channel as collapse id and thread")
  void apns() {
    PushMessage m = payloads.build(PushPlatform.APNS, job, 7, null);
    JsonObject structure = new JsonObject(m.message());
    assertThat(structure.getString("default")).isEqualTo("New message");
    JsonObject apns = new JsonObject(structure.getString("APNS"));
    JsonObject aps = apns.getJsonObject("aps");
    assertThat(aps.getInteger("mutable-content")).isEqualTo(1);
    assertThat(aps.getLong("badge")).isEqualTo(7);
    assertThat(aps.getJsonObject("alert").getString("body")).isEqualTo("New message");
    assertThat(aps.getJsonObject("alert").containsKey("title")).isFalse();
    assertThat(aps.getString("thread-id")).isEqualTo(channel.toString());
    assertThat(apns.getJsonObject("parley").getLong("seq")).isEqualTo(42);
    assertThat(m.attributes()).containsEntry("AWS.SNS.MOBILE.APNS.COLLAPSE_ID", channel.toString())
        .containsEntry("AWS.SNS.MOBILE.APNS.PUSH_TYPE", "alert");
    assertThat(new JsonObject(payloads.build(PushPlatform.APNS_SANDBOX, job, 1, null).message())
        .containsKey("APNS_SANDBOX")).isTrue();
  }

  @Test
  @DisplayName("FCM: an HTTP v1 data message of strings, high priority, channel as collapse_key")
  void fcm() {
    PushMessage m = payloads.build(PushPlatform.FCM, job, 3, null);
    JsonObject message = new JsonObject(new JsonObject(m.message()).getString("GCM"))
        .getJsonObject("fcmV1Message").getJsonObject("message");
    assertThat(message.getJsonObject("android").getString("priority")).isEqualTo("high");
    assertThat(message.getJsonObject("android").getString("collapse_key")).isEqualTo(channel.toString());
    JsonObject data = message.getJsonObject("data");
    assertThat(data.getString("unread")).isEqualTo("3");
    assertThat(data.getString("seq")).isEqualTo("42");
    assertThat(data.getString("msgId")).isEqualTo("123456789");
    assertThat(data.containsKey("sender")).isFalse();
    data.forEach(e -> assertThat(e.getValue()).isInstanceOf(String.class));
    assertThat(m.attributes()).isEmpty();
  }

  @Test
  @DisplayName("the sender's name appears only when given (the setting is on)")
  void senderNameOnlyWhenOn() {
    assertThat(payloads.build(PushPlatform.APNS, job, 1, "Alice").message()).contains("Alice");
    assertThat(payloads.build(PushPlatform.FCM, job, 1, "Alice").message()).contains("Alice");
  }
}
