package dev.parley.api.media.storage;

import dev.parley.shared.config.MediaConfig.S3Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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

  @Test
  @DisplayName("a presigned URL serves a finished object without the api node")
  void presignedDownload() throws Exception {
    S3Config config = new S3Config(s3mock.endpoint(), "us-east-1", "parley-media", "it/", true, "test-key",
        "test-secret", 60);
    MediaStorage presigning = MediaStorages.create(vertx, new dev.parley.shared.config.MediaConfig("s3", "unused",
        1 << 20, 1, 1, 1, 60, 60, 1, 1, config)).toCompletionStage().toCompletableFuture().get();
    String key = java.util.UUID.randomUUID().toString();
    io.vertx.core.buffer.Buffer data = random(1000);
    var p = await(presigning.begin(key));
    p = await(presigning.append(key, p, new ChunkStream(vertx.getOrCreateContext(), java.util.List.of(data), null),
        data.length()));
    await(presigning.finish(key, p));
    String url = presigning.presignedDownload(key, java.time.Duration.ofSeconds(60)).orElseThrow();
    var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(url)).build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(data.getBytes());
    await(presigning.close());
  }
}
