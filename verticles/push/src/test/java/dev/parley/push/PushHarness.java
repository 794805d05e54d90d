package dev.parley.push;

import dev.parley.chatstate.ChatStore;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.Dependency;
import dev.parley.shared.deps.DependencyClients;
import dev.parley.shared.it.ItConfig;
import dev.parley.shared.push.PushPlatform;
import dev.parley.shared.schema.KafkaTopics;
import dev.parley.snslocal.SnsLocalServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.sqlclient.Tuple;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsAsyncClient;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static dev.parley.shared.it.ItConfig.await;

/**
 * Real Kafka, PostgreSQL and Redis plus the local SNS stand-in (in-process, ephemeral port) for push tests: a private
 * notifications topic and consumer group, devices with registered endpoints, jobs produced as the message role
 * writes them, and the recorded publishes. Test threads only (helpers block).
 */
public final class PushHarness implements AutoCloseable {
  /** A device with a registered SNS endpoint. */
  public record Dev(UUID userId, UUID deviceId, String endpointArn) {
  }

  public final Vertx vertx = Vertx.vertx();
  public final ParleyConfig config;
  public final DependencyClients clients;
  public final ChatStore chats;
  public final int snsPort;
  public final String topic = "parley.notifications.it-" + UUID.randomUUID();
  private final WebClient http;
  private final SnsAsyncClient sns;
  private final KafkaProducer<String, String> producer;

  public PushHarness(JsonObject pushOverrides) {
    // Fake static credentials for the SDK's default chain (tests only): the stand-in checks no signature.
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    SnsLocalServer server = new SnsLocalServer("127.0.0.1", 0, Clock.systemUTC());
    await(vertx.deployVerticle(server));
    snsPort = server.actualPort();
    JsonObject push = new JsonObject().put("endpointOverride", snsUrl())
        .put("consumerGroup", "parley-push-it-" + UUID.randomUUID()).mergeIn(pushOverrides, true);
    config = ItConfig.load(vertx, new JsonObject().put("node", new JsonObject().put("roles", new JsonArray().add("push")))
            .put("kafka", new JsonObject().put("notificationsTopic", topic)).put("push", push),
        Set.of("PARLEY_PUSH_ENDPOINT_OVERRIDE", "PARLEY_KAFKA_NOTIFICATIONS_TOPIC", "PARLEY_PUSH_CONSUMER_GROUP"));
    ItConfig.migrate(vertx, config);
    clients = DependencyClients.create(vertx, config, EnumSet.of(Dependency.POSTGRES, Dependency.REDIS,
        Dependency.KAFKA));
    await(new KafkaTopics(clients.kafkaAdmin(), config.kafka()).ensure());
    chats = ChatStore.on(clients.redis());
    http = WebClient.create(vertx);
    sns = SnsAsyncClient.builder().endpointOverride(URI.create(snsUrl())).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"))).build();
    producer = KafkaProducer.create(vertx, dev.parley.shared.deps.KafkaClientConfig.producer(config.kafka(), "push-it"));
  }

  public String snsUrl() {
    return "http://127.0.0.1:" + snsPort;
  }

  public Dev device(PushPlatform platform) {
    UUID user = UUID.randomUUID();
    UUID device = UUID.randomUUID();
    await(clients.pg().preparedQuery("INSERT INTO users (id, username, display_name, password_hash) "
        + "VALUES ($1, $2, 'Alice Sender', 'x')").execute(Tuple.of(user, "push-it-" + user)));
    await(clients.pg().preparedQuery("INSERT INTO devices (id, user_id, name) VALUES ($1, $2, 'it')")
        .execute(Tuple.of(device, user)));
    String token = platform == PushPlatform.FCM ? "fcm-it-" + UUID.randomUUID() + "-" + UUID.randomUUID()
        : (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
    String arn = sns.createPlatformEndpoint(r -> r.platformApplicationArn(platform.applicationArn(config.push()))
        .token(token)).join().endpointArn();
    await(clients.pg().preparedQuery("INSERT INTO push_endpoints (device_id, user_id, platform, token, endpoint_arn, "
            + "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, now(), now())")
        .execute(Tuple.of(device, user, platform.wireName(), token, arn)));
    return new Dev(user, device, arn);
  }

  /** Moves the channel's head to {@code seq} (as the message role does for each stored message). */
  public void head(UUID channel, long seq) {
    await(chats.heads().updateHead(channel, seq, System.currentTimeMillis(), new JsonObject().put("seq", seq)));
  }

  /** Produces the job the message role writes for an offline member device. */
  public void job(Dev dev, UUID channel, long seq) {
    JsonObject job = new JsonObject().put("type", "message").put("userId", dev.userId().toString())
        .put("deviceId", dev.deviceId().toString()).put("channelId", channel.toString()).put("seq", seq)
        .put("msgId", Long.toString(1_000_000L + seq)).put("kind", "application").put("ts", System.currentTimeMillis())
        .put("senderId", UUID.randomUUID().toString());
    await(producer.send(KafkaProducerRecord.create(topic, dev.deviceId().toString(), job.encode())));
  }

  /** The recorded publishes to one endpoint, oldest first. */
  public List<JsonObject> publishes(String arn) {
    JsonArray all = await(http.get(snsPort, "127.0.0.1", "/_local/publishes").addQueryParam("targetArn", arn).send())
        .bodyAsJsonObject().getJsonArray("publishes");
    return all.stream().map(JsonObject.class::cast).toList();
  }

  public List<JsonObject> allPublishes() {
    return await(http.get(snsPort, "127.0.0.1", "/_local/publishes").send()).bodyAsJsonObject()
        .getJsonArray("publishes").stream().map(JsonObject.class::cast).toList();
  }

  public void control(String path, JsonObject body) {
    int status = await(http.post(snsPort, "127.0.0.1", path).sendJsonObject(body)).statusCode();
    if (status >= 300) {
      throw new AssertionError(path + " answered " + status);
    }
  }

  /** Polls (every 50 ms) until the condition holds, failing with {@code what} after {@code timeout}. */
  public static void eventually(Duration timeout, BooleanSupplier condition, Supplier<String> what) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (condition.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted");
      }
    }
    throw new AssertionError("not within " + timeout + ": " + what.get());
  }

  @Override
  public void close() {
    sns.close();
    await(producer.close());
    http.close();
    await(clients.close());
    await(vertx.close());
  }
}
