package dev.parley.protocol;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class SessionFramesTest {
  static final UUID U = UUID.fromString("00000000-0000-4000-8000-00000000000a");
  static final UUID D = UUID.fromString("00000000-0000-4000-8000-00000000000b");

  @Test
  @DisplayName("ready carries push: disabled only when told so; without it the field is absent, not null")
  void readyPushField() {
    JsonObject disabled = SessionFrames.ready(U, D, "s-1", "gw-1", 65_536, 30_000L, SessionFrames.PUSH_DISABLED);
    assertThat(disabled.getString("push")).isEqualTo("disabled");
    assertThat(disabled.fieldNames()).containsExactlyInAnyOrder("type", "userId", "deviceId", "sessionId", "nodeId",
        "maxPayloadBytes", "heartbeatIntervalMs", "push");
    assertThat(disabled.encode()).isEqualTo("{\"type\":\"ready\",\"userId\":\"" + U + "\",\"deviceId\":\"" + D
        + "\",\"sessionId\":\"s-1\",\"nodeId\":\"gw-1\",\"maxPayloadBytes\":65536,\"heartbeatIntervalMs\":30000,"
        + "\"push\":\"disabled\"}");

    JsonObject none = SessionFrames.ready(U, D, "s-1", "gw-1", 65_536, 30_000L, null);
    assertThat(none.containsKey("push")).isFalse();
    assertThat(none).isEqualTo(SessionFrames.ready(U, D, "s-1", "gw-1", 65_536, 30_000L));
    assertThat(none.encode()).doesNotContain("push");
  }

  @Test
  @DisplayName("the answer to hello has neither heartbeatIntervalMs nor push")
  void helloReady() {
    JsonObject hello = SessionFrames.ready(U, D, "s-1", "gw-1", 65_536, null);
    assertThat(hello.fieldNames()).containsExactlyInAnyOrder("type", "userId", "deviceId", "sessionId", "nodeId",
        "maxPayloadBytes");
  }
}
