package dev.parley.api.media.storage;

import dev.parley.shared.config.MediaConfig;
import dev.parley.shared.config.MediaConfig.S3Config;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URI;

/** Builds the configured {@link MediaStorage} backend. */
public final class MediaStorages {
  private MediaStorages() {
  }

  public static Future<MediaStorage> create(Vertx vertx, MediaConfig config) {
    if (MediaConfig.S3.equals(config.storage())) {
      S3Config s3 = config.s3();
      return Future.succeededFuture(new S3MediaStorage(vertx, s3Client(s3),
          s3.presignSeconds() > 0 ? presigner(s3) : null, s3));
    }
    return FileMediaStorage.create(vertx, config.dataDir());
  }

  public static S3AsyncClient s3Client(S3Config config) {
    var builder = S3AsyncClient.builder()
        .region(Region.of(config.region()))
        .credentialsProvider(credentials(config))
        .forcePathStyle(config.pathStyle())
        // Checksums only where S3 requires them: a streamed part is sent once, with its length, unbuffered.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(128));
    if (!config.endpoint().isEmpty()) {
      builder.endpointOverride(URI.create(config.endpoint()));
    }
    return builder.build();
  }

  private static S3Presigner presigner(S3Config config) {
    var builder = S3Presigner.builder().region(Region.of(config.region())).credentialsProvider(credentials(config))
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(config.pathStyle()).build());
    if (!config.endpoint().isEmpty()) {
      builder.endpointOverride(URI.create(config.endpoint()));
    }
    return builder.build();
  }

  private static AwsCredentialsProvider credentials(S3Config config) {
    return config.accessKeyId().isEmpty() ? DefaultCredentialsProvider.builder().build()
        : StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKeyId(), config.secretAccessKey()));
  }
}
