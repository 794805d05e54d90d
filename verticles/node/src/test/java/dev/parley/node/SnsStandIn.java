package dev.parley.node;

import dev.parley.node.MessagePathFixture.Device;
import dev.parley.snslocal.SnsLocalServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsAsyncClient;

import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.parley.node.MessagePathFixture.await;

/**
 * The push set-up shared by {@link PushNodeIT} and {@link PushBenchmark}: the local SNS stand-in in this JVM, an SDK
 * client of it, a private notifications topic, APNs registrations written as the api role writes them, the
 * environment of a node that publishes there, and the stand-in's record of what was published.
 */
final class SnsStandIn implements AutoCloseable {
  private static final String APNS_APP = "arn:aws:sns:us-east-1:000000000000:app/APNS/parley-local";

  private final Vertx vertx = Vertx.vertx();
  private final WebClient http = WebClient.create(vertx);
  private final int port;
  private final SnsAsyncClient sns;
  private final Pool pg;
  /** The notifications topic of this test class alone. */
  final String topic;

  /**
   * @param pg            where registrations are written
   * @param sdkConcurrency requests the SDK client may have in flight
   */
  SnsStandIn(MessagePathFixture fx, Pool pg, String topicPrefix, int sdkConcurrency) throws Exception {
    SnsLocalServer server = new SnsLocalServer("127.0.0.1", 0, Clock.systemUTC());
    await(vertx.deployVerticle(server));
    port = server.actualPort();
    this.pg = pg;
    sns = SnsAsyncClient.builder().endpointOverride(URI.create(url())).region(Region.US_EAST_1)
        .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(sdkConcurrency + 8))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
    topic = topicPrefix + UUID.randomUUID();
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", fx.config.kafka().bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 6, (short) fx.config.kafka().replicationFactor())))
          .all().get(30, TimeUnit.SECONDS);
    }
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  SnsAsyncClient sdk() {
    return sns;
  }

  /**
   * Environment of a node that reads this topic and publishes here (environment wins over -conf on a node, so the
   * settings that must not come from a developer's shell go there; the credentials are fake: the stand-in checks no
   * signature).
   */
  Map<String, String> nodeEnv(String consumerGroup, long coalesceWindowMs) {
    return new HashMap<>(Map.of("PARLEY_KAFKA_NOTIFICATIONS_TOPIC", topic, "PARLEY_PUSH_ENDPOINT_OVERRIDE", url(),
        "PARLEY_PUSH_CONSUMER_GROUP", consumerGroup, "PARLEY_PUSH_COALESCE_WINDOW_MS", Long.toString(coalesceWindowMs),
        "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test"));
  }

  /** Registers an APNs endpoint for the device in the stand-in and in push_endpoints (as the api role does). */
  String register(Device d) {
    String token = (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
    String arn = sns.createPlatformEndpoint(r -> r.platformApplicationArn(APNS_APP).token(token)).join().endpointArn();
    await(pg.preparedQuery("INSERT INTO push_endpoints (device_id, user_id, platform, token, endpoint_arn, "
        + "created_at, updated_at) VALUES ($1, $2, 'apns', $3, $4, now(), now())")
        .execute(Tuple.of(d.deviceId(), d.userId(), token, arn)));
    return arn;
  }

  /** Disables an endpoint as SNS does when APNs reports its token dead; the stand-in's status code. */
  int disable(String arn) {
    return await(http.post(port, "127.0.0.1", "/_local/endpoints/disable")
        .sendJsonObject(new JsonObject().put("endpointArn", arn))).statusCode();
  }

  /** Every publish the stand-in received, in order. */
  JsonArray publishes() {
    return await(http.get(port, "127.0.0.1", "/_local/publishes").send()).bodyAsJsonObject().getJsonArray("publishes");
  }

  int count() {
    return await(http.get(port, "127.0.0.1", "/_local/publishes/count").send()).bodyAsJsonObject().getInteger("count");
  }

  void clearPublishes() {
    await(http.delete(port, "127.0.0.1", "/_local/publishes").send());
  }

  @Override
  public void close() throws Exception {
    sns.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
