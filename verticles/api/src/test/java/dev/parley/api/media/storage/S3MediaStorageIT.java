package dev.parley.api.media.storage;

import dev.parley.shared.config.MediaConfig.S3Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The storage contract on S3 through the SDK, against an S3Mock the test starts on loopback. */
class S3MediaStorageIT extends MediaStorageContract {
  private static S3MockProcess s3mock;
  private MediaStorage storage;

  @BeforeAll
  static void startS3Mock() throws Exception {
    s3mock = S3MockProcess.start("parley-media");
  }

  @AfterAll
  static void stopS3Mock() {
    if (s3mock != null) {
      s3mock.close();
    }
  }

  @BeforeEach
  void open() {
    S3Config config = s3mock.config("parley-media", "it/");
    storage = new S3MediaStorage(vertx, MediaStorages.s3Client(config), null, config);
  }

  @AfterEach
  void close() throws Exception {
    await(storage.close());
    await(vertx.close());
  }

  @Override
  protected MediaStorage storage() {
    return storage;
  }
}
