package dev.parley.push;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NotificationJobTest {
  private static JsonObject valid() {
    return new JsonObject().put("type", "message").put("userId", UUID.randomUUID().toString())
        .put("deviceId", UUID.randomUUID().toString()).put("channelId", UUID.randomUUID().toString()).put("seq", 3)
        .put("msgId", "987654321").put("kind", "app").put("ts", 1_700_000_000_000L)
        .put("senderId", UUID.randomUUID().toString());
  }

  @Test
  @DisplayName("the job the message role writes parses; senderId is optional")
  void parses() {
    NotificationJob job = NotificationJob.parse(valid().encode());
    assertThat(job.seq()).isEqualTo(3);
    assertThat(job.senderId()).isNotNull();
    assertThat(NotificationJob.parse(valid().put("senderId", null).encode()).senderId()).isNull();
  }

  @Test
  @DisplayName("malformed jobs are refused naming the field")
  void refusals() {
    assertThatThrownBy(() -> NotificationJob.parse("nope")).hasMessageContaining("JSON");
    assertThatThrownBy(() -> NotificationJob.parse(valid().put("type", "x").encode())).hasMessageContaining("type");
    assertThatThrownBy(() -> NotificationJob.parse(valid().put("seq", 0).encode())).hasMessageContaining("seq");
    assertThatThrownBy(() -> NotificationJob.parse(valid().put("seq", "3").encode())).hasMessageContaining("seq");
    assertThatThrownBy(() -> NotificationJob.parse(valid().put("deviceId", "x").encode())).hasMessageContaining("deviceId");
    assertThatThrownBy(() -> NotificationJob.parse(valid().put("msgId", "12a").encode())).hasMessageContaining("msgId");
  }
}
