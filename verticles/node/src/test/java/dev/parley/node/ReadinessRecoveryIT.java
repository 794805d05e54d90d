package dev.parley.node;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of a real infrastructure process (Redis, the fastest to restart) is reported by {@code scripts/infra
 * status} and by the node's {@code /ready}, naming it; after {@code scripts/infra start redis} the node is
 * ready again without a restart. The test always leaves Redis running. See {@link Infra} for running it against
 * services started from another checkout.
 */
class ReadinessRecoveryIT {
  @Test
  @DisplayName("a killed Redis makes /ready 503 naming redis, and /ready recovers once Redis is restarted")
  void killAndRecover() throws Exception {
    try (NodeProcess node = NodeProcess.start("it-ready", "it-" + UUID.randomUUID(), 28_701, List.of("presence"),
        new JsonObject())) {
      node.await("/ready", r -> r.status() == 200, Duration.ofSeconds(90));
      try {
        Infra.kill("redis");

        NodeProcess.Response down = node.await("/ready", r -> r.status() == 503, Duration.ofSeconds(30));
        JsonObject redis = down.json().getJsonArray("dependencies").stream().map(JsonObject.class::cast)
            .filter(d -> d.getString("name").equals("redis")).findFirst().orElseThrow();
        assertThat(redis.getBoolean("up")).isFalse();
        assertThat(redis.getString("error")).isNotBlank();
        assertThat(down.json().getBoolean("ready")).isFalse();
        assertThat(Infra.script("status", "redis")).as("scripts/infra status exit code").isEqualTo(3);
      } finally {
        Infra.start("redis");
      }
      NodeProcess.Response up = node.await("/ready", r -> r.status() == 200, Duration.ofSeconds(30));
      assertThat(up.json().getBoolean("ready")).isTrue();
    }
  }
}
