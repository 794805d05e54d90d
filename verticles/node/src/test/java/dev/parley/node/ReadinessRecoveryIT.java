package dev.parley.node;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of a real infrastructure process (Redis, the fastest to restart) is reported by {@code scripts/infra
 * status} and by the node's {@code /ready}, naming it; after {@code scripts/infra start redis} the node is
 * ready again without a restart. The test always leaves Redis running.
 */
class ReadinessRecoveryIT {
  private static final Path REPO = Path.of("..", "..").toAbsolutePath().normalize();

  @Test
  @DisplayName("a killed Redis makes /ready 503 naming redis, and /ready recovers once Redis is restarted")
  void killAndRecover() throws Exception {
    try (NodeProcess node = NodeProcess.start("it-ready", "it-" + UUID.randomUUID(), 28_701, List.of("presence"),
        new JsonObject())) {
      node.await("/ready", r -> r.status() == 200, Duration.ofSeconds(90));
      try {
        long pid = Long.parseLong(Files.readString(REPO.resolve(".parley/run/redis.pid")).trim());
        new ProcessBuilder("kill", "-9", String.valueOf(pid)).inheritIO().start().waitFor(10, TimeUnit.SECONDS);

        NodeProcess.Response down = node.await("/ready", r -> r.status() == 503, Duration.ofSeconds(30));
        JsonObject redis = down.json().getJsonArray("dependencies").stream().map(JsonObject.class::cast)
            .filter(d -> d.getString("name").equals("redis")).findFirst().orElseThrow();
        assertThat(redis.getBoolean("up")).isFalse();
        assertThat(redis.getString("error")).isNotBlank();
        assertThat(down.json().getBoolean("ready")).isFalse();
        assertThat(script("status", "redis")).as("scripts/infra status exit code").isEqualTo(3);
      } finally {
        assertThat(script("start", "redis")).as("scripts/infra start redis").isZero();
      }
      NodeProcess.Response up = node.await("/ready", r -> r.status() == 200, Duration.ofSeconds(30));
      assertThat(up.json().getBoolean("ready")).isTrue();
    }
  }

  private static int script(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(REPO.resolve("scripts/infra").toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of("target", "infra-from-it.log").toFile())).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("scripts/infra " + String.join(" ", args) + " did not finish in 120 s");
    }
    return p.exitValue();
  }
}
