package dev.parley.api.media;

import dev.parley.api.ApiHarness;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The attachment API on the filesystem backend (a fresh data dir per run). */
class MediaFilesystemIT extends MediaITBase {
  private static ApiHarness api;
  private static Path root;

  @BeforeAll
  static void start() throws Exception {
    root = Files.createTempDirectory("parley-media-it");
    api = ApiHarness.start(new JsonObject().put("media", mediaConfig().put("storage", "filesystem")
        .put("dataDir", root.resolve("media").toString())));
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Override
  protected ApiHarness api() {
    return api;
  }

  @Test
  @DisplayName("nothing is ever written outside the storage root")
  void nothingOutsideRoot() throws Exception {
    try (Stream<Path> files = Files.walk(root)) {
      assertThat(files.filter(Files::isRegularFile)).allSatisfy(f -> assertThat(f).startsWith(root.resolve("media")));
    }
  }
}
