package dev.parley.node;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A benchmark, not a test (the name does not end in IT): the web client in Chromium against {@link WebCluster} —
 * page load until a 200-chat list is shown, the bundle's gzip size, and send-to-render latency between two
 * browsers on the two gateways (web/e2e/bench.mjs). Prints the figures; docs/web.md has them. Run:
 * <pre>
 *   scripts/web build && scripts/web browser && eval "$(scripts/infra env)"
 *   mvn -o -B verify -DskipITs=false -pl verticles/node -am -Dit.test=WebClientBenchmark -Dtest=none \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
 *     -Dbench.chats=200 -Dbench.messages=500 -Dbench.rate=20
 * </pre>
 */
class WebClientBenchmark {
  private static MessagePathFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = WebCluster.start(33_351);
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void measure() throws Exception {
    Path out = Path.of("target", "web-bench").toAbsolutePath();
    Files.createDirectories(out);
    Process p = WebCluster.node("e2e/bench.mjs", out.resolve("bench.log"), Map.of("PARLEY_WEB_URL", fx.apiUrl(),
        "BENCH_CHATS", System.getProperty("bench.chats", "200"), "BENCH_MESSAGES", System.getProperty("bench.messages", "500"),
        "BENCH_RATE", System.getProperty("bench.rate", "20")));
    String figures = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(660, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    System.out.println("web client benchmark: " + figures);
    Files.writeString(out.resolve("figures.json"), figures);
    if (p.exitValue() != 0) {
      throw new AssertionError("bench.mjs failed:\n" + Files.readString(out.resolve("bench.log")));
    }
  }
}
