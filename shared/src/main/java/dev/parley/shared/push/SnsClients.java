package dev.parley.shared.push;

import dev.parley.shared.config.ParleyConfig;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sns.SnsAsyncClientBuilder;

import java.net.URI;
import java.time.Duration;

/**
 * Builds the SNS async client of a node from {@link ParleyConfig.PushConfig}. Credentials come from the SDK's
 * default provider chain only (environment, system properties, profile, container/instance role), never from
 * Parley's config or repository. The SDK's own retries are off: the push role retries with its own bounded,
 * jittered backoff and counts each retry, and a registration fails fast to its HTTP caller.
 */
public final class SnsClients {
  private SnsClients() {
  }

  public static SnsAsyncClient create(ParleyConfig.PushConfig push) {
    SnsAsyncClientBuilder b = SnsAsyncClient.builder()
        .region(Region.of(push.region()))
        .credentialsProvider(DefaultCredentialsProvider.builder().build())
        .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(push.maxConcurrentPublishes() + 16))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
            .apiCallTimeout(Duration.ofMillis(push.publishTimeoutMs())));
    if (!push.endpointOverride().isEmpty()) {
      b.endpointOverride(URI.create(push.endpointOverride()));
    }
    return b.build();
  }
}
