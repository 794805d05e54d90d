package dev.parley.api.media;

import dev.parley.api.ApiHarness;
import dev.parley.api.media.storage.S3MockProcess;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The attachment API on the S3 backend, against an S3Mock this test starts on loopback. */
class MediaS3IT extends MediaITBase {
  private static S3MockProcess s3mock;
  private static ApiHarness api;

  @BeforeAll
  static void start() throws Exception {
    s3mock = S3MockProcess.start("parley-media-it");
    api = ApiHarness.start(new JsonObject().put("media", mediaConfig().put("storage", "s3")
        .put("s3", new JsonObject().put("endpoint", s3mock.endpoint()).put("bucket", "parley-media-it")
            .put("pathStyle", true).put("accessKeyId", "test-key").put("secretAccessKey", "test-secret"))));
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
    if (s3mock != null) {
      s3mock.close();
    }
  }

  @Override
  protected ApiHarness api() {
    return api;
  }
}
