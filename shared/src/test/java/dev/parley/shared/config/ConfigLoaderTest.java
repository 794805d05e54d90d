package dev.parley.shared.config;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class ConfigLoaderTest {

  @Test
  @DisplayName("file, then -conf overrides, then environment: later wins and nested objects merge key by key")
  void layering(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("site.json");
    Files.writeString(file, "{\"node\":{\"region\":\"eu-1\",\"opsPort\":9300},\"pg\":{\"password\":\"fromfile\"}}");
    JsonObject overrides = new JsonObject().put("node", new JsonObject().put("id", "gw-7").put("opsPort", 9400));
    Map<String, String> env = Map.of(ConfigLoader.CONFIG_FILE_ENV, file.toString(), "PARLEY_PG_PASSWORD", "fromenv",
        "PARLEY_AUTH_KEYS_DIR", dir.toString());
    ConfigLoader.load(vertx, overrides, env).onComplete(ctx.succeeding(config -> ctx.verify(() -> {
      assertThat(config.node().id()).isEqualTo("gw-7");
      assertThat(config.node().region()).isEqualTo("eu-1");
      assertThat(config.node().opsPort()).isEqualTo(9400);
      assertThat(config.pg().password()).isEqualTo("fromenv");
      assertThat(config.pg().host()).as("untouched default").isEqualTo("127.0.0.1");
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a config file that does not exist fails loading, naming the file")
  void missingFile(Vertx vertx, VertxTestContext ctx) {
    Map<String, String> env = Map.of(ConfigLoader.CONFIG_FILE_ENV, "/nonexistent/parley.json");
    ConfigLoader.load(vertx, new JsonObject(), env).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).isInstanceOf(ConfigException.class).hasMessageContaining("/nonexistent/parley.json");
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("malformed JSON in the config file fails loading with a clear message")
  void malformedFile(Vertx vertx, VertxTestContext ctx, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\"node\": ");
    ConfigLoader.load(vertx, new JsonObject(), Map.of(ConfigLoader.CONFIG_FILE_ENV, file.toString()))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(err).isInstanceOf(ConfigException.class).hasMessageContaining(file.toString());
          ctx.completeNow();
        })));
  }
}
