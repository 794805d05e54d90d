package dev.parley.shared.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvOverlayTest {
  private final JsonObject defaults = new JsonObject()
      .put("kafka", new JsonObject().put("bootstrapServers", "a:1").put("messagesPartitions", 12))
      .put("node", new JsonObject().put("roles", new JsonArray().add("api")).put("flag", false));

  @Test
  @DisplayName("variable names are derived from the key path, camelCase split into words")
  void derivesNames() {
    assertThat(EnvOverlay.envName("kafka.bootstrapServers")).isEqualTo("PARLEY_KAFKA_BOOTSTRAP_SERVERS");
    assertThat(EnvOverlay.envName("pg.password")).isEqualTo("PARLEY_PG_PASSWORD");
    assertThat(EnvOverlay.envName("node.opsPort")).isEqualTo("PARLEY_NODE_OPS_PORT");
  }

  @Test
  @DisplayName("an override takes the type of the default: number, boolean, comma-separated array")
  void convertsToDefaultType() {
    JsonObject out = EnvOverlay.apply(defaults, Map.of(
        "PARLEY_KAFKA_MESSAGES_PARTITIONS", "24",
        "PARLEY_NODE_ROLES", "gateway, message",
        "PARLEY_NODE_FLAG", "true",
        "PARLEY_KAFKA_BOOTSTRAP_SERVERS", "b:2"));
    assertThat(out.getJsonObject("kafka").getLong("messagesPartitions")).isEqualTo(24L);
    assertThat(out.getJsonObject("node").getJsonArray("roles")).containsExactly("gateway", "message");
    assertThat(out.getJsonObject("node").getBoolean("flag")).isTrue();
    assertThat(out.getJsonObject("kafka").getString("bootstrapServers")).isEqualTo("b:2");
    assertThat(defaults.getJsonObject("kafka").getInteger("messagesPartitions")).as("input untouched").isEqualTo(12);
  }

  @Test
  @DisplayName("a malformed number in the environment is refused, naming the variable and the key")
  void refusesMalformedNumber() {
    assertThatThrownBy(() -> EnvOverlay.apply(defaults, Map.of("PARLEY_KAFKA_MESSAGES_PARTITIONS", "many")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PARLEY_KAFKA_MESSAGES_PARTITIONS").hasMessageContaining("kafka.messagesPartitions");
  }

  @Test
  @DisplayName("a boolean must be exactly true or false")
  void refusesMalformedBoolean() {
    assertThatThrownBy(() -> EnvOverlay.apply(defaults, Map.of("PARLEY_NODE_FLAG", "yes")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("PARLEY_NODE_FLAG");
  }
}
