package dev.parley.node;

import static dev.parley.node.MessagePathFixture.await;
import static dev.parley.node.MessagePathFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.client.Message;
import dev.parley.client.ParleyClient;
import dev.parley.shared.deps.Dependency;
import dev.parley.shared.deps.DependencyClients;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * No plaintext at rest (docs/e2ee.md): a unique marker sent through E2EE clients is searched, byte for byte and as
 * base64, in every place the cluster writes — the Kafka log segments, Cassandra's data files after a flush, a
 * pg_dump of PostgreSQL, every Redis value, the node and service logs, the push payloads an offline member's device
 * got through the SNS stand-in — and must not be found. So that the search can fail, a
 * control marker is sent in the clear (a client without E2EE, in a channel without an MLS group, which the server
 * still accepts as opaque bytes) and must be found in Kafka and Cassandra, the stores that hold payloads.
 */
class E2eeAtRestIT {
  /** Where the running services keep their data and logs (as for the kill tests: README, "Tests"). */
  private static final Path PARLEY_HOME = Path.of(System.getenv().getOrDefault("PARLEY_HOME",
      Path.of("..", "..", ".parley").toAbsolutePath().normalize().toString()));
  private static final String NOTIFICATIONS = "parley.notifications.it-" + UUID.randomUUID();
  private static MessagePathFixture fx;
  private static DependencyClients deps;
  private static io.vertx.core.Vertx snsVertx;
  private static int snsPort;

  @BeforeAll
  static void startCluster() throws Exception {
    snsVertx = io.vertx.core.Vertx.vertx();
    dev.parley.snslocal.SnsLocalServer sns = new dev.parley.snslocal.SnsLocalServer("127.0.0.1", 0,
        java.time.Clock.systemUTC());
    await(snsVertx.deployVerticle(sns));
    snsPort = sns.actualPort();
    fx = new MessagePathFixture(27_501);
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
        java.util.Map.<String, Object>of("bootstrap.servers", fx.config.kafka().bootstrapServers()))) {
      admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(NOTIFICATIONS, 2,
          (short) fx.config.kafka().replicationFactor()))).all().get(30, java.util.concurrent.TimeUnit.SECONDS);
    }
    // As in PushNodeIT: the push settings go in the environment (it wins over -conf); the credentials are fake.
    java.util.Map<String, String> pushEnv = java.util.Map.of("PARLEY_KAFKA_NOTIFICATIONS_TOPIC", NOTIFICATIONS,
        "PARLEY_PUSH_ENDPOINT_OVERRIDE", "http://127.0.0.1:" + snsPort, "PARLEY_PUSH_CONSUMER_GROUP",
        "parley-push-it-" + UUID.randomUUID(), "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test");
    // One node JVM with every role this test needs (the machine is shared).
    int port = NodeProcess.freePort();
    fx.gatewayPorts.put("ar-gw", port);
    JsonObject conf = fx.nodeConf(port, new JsonObject().put("api", new JsonObject().put("port", fx.apiPort)));
    NodeProcess node = NodeProcess.start("ar-gw", fx.cluster, fx.hzPort, List.of("gateway", "message", "push", "api"),
        conf, pushEnv);
    fx.nodes.put("ar-gw", node);
    node.await("/ready", r -> r.status() == 200, Duration.ofSeconds(300));
    deps = DependencyClients.create(fx.vertx, fx.config, EnumSet.of(Dependency.REDIS, Dependency.POSTGRES));
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
    if (snsVertx != null) {
      snsVertx.close().toCompletionStage().toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /** A member who is offline, with a push registration in the stand-in: the push path runs for every message. */
  private static void registerPush(MessagePathFixture.Device d) {
    String token = (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
    try (software.amazon.awssdk.services.sns.SnsAsyncClient sns = software.amazon.awssdk.services.sns.SnsAsyncClient
        .builder().endpointOverride(java.net.URI.create("http://127.0.0.1:" + snsPort))
        .region(software.amazon.awssdk.regions.Region.US_EAST_1)
        .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
            software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("test", "test"))).build()) {
      String arn = sns.createPlatformEndpoint(r -> r.platformApplicationArn(
          "arn:aws:sns:us-east-1:000000000000:app/APNS/parley-local").token(token)).join().endpointArn();
      await(deps.pg().preparedQuery("INSERT INTO push_endpoints (device_id, user_id, platform, token, endpoint_arn, "
          + "created_at, updated_at) VALUES ($1, $2, 'apns', $3, $4, now(), now())")
          .execute(io.vertx.sqlclient.Tuple.of(d.deviceId(), d.userId(), token, arn)));
    }
  }

  private static byte[] publishes() {
    return await(io.vertx.ext.web.client.WebClient.create(snsVertx).get(snsPort, "127.0.0.1", "/_local/publishes")
        .send()).bodyAsString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("a marker sent end-to-end encrypted is nowhere at rest (Kafka, Cassandra, PostgreSQL, Redis, node "
      + "logs); a control marker sent in the clear is found in Kafka and Cassandra")
  void noPlaintextAtRest() throws Exception {
    String secret = "E2EE-MARKER-" + UUID.randomUUID();
    String control = "CLEAR-MARKER-" + UUID.randomUUID();
    MessagePathFixture.Device a = fx.user();
    MessagePathFixture.Device b = fx.user();
    MessagePathFixture.Device offline = fx.user();
    registerPush(offline);
    Path states = Files.createTempDirectory("parley-e2ee-at-rest");
    MessagePathFixture.Conn ca = fx.open(a, "ar-gw");
    MessagePathFixture.Conn cb = fx.open(b, "ar-gw");
    ca.client().enableE2ee(states.resolve("a"));
    cb.client().enableE2ee(states.resolve("b"));
    await(ca.client().connect());
    await(cb.client().connect());
    UUID group = await(ca.client().e2ee().createGroup("at-rest", List.of(b.userId(), offline.userId())));
    await(ca.client().send(group, "application", ("the secret is " + secret).getBytes(StandardCharsets.UTF_8)));
    await(cb.client().send(group, "application", ("and again " + secret).getBytes(StandardCharsets.UTF_8)));
    for (MessagePathFixture.Conn c : List.of(ca, cb)) {
      eventually(Duration.ofSeconds(30), () -> texts(c).stream().filter(t -> t.contains(secret)).count() == 2,
          () -> "decrypted: " + texts(c));
    }

    MessagePathFixture.Device p = fx.user();
    UUID plainChannel = fx.channel(p, List.of(p, a));
    MessagePathFixture.Conn plain = fx.connect(p, "ar-gw");
    await(plain.client().send(plainChannel, "application", ("in the clear " + control).getBytes(StandardCharsets.UTF_8)));
    // The messages are stored (history answers them) before the stores are searched.
    eventually(Duration.ofSeconds(30), () -> await(new dev.parley.client.RestApi(
        io.vertx.ext.web.client.WebClient.create(fx.vertx), fx.restUrl()).history(p.token(), plainChannel, 0, 0)).size() == 1,
        () -> "control message not stored");

    flushCassandra(fx.config.cassandra().keyspace());
    List<byte[]> secretForms = forms("the secret is " + secret, secret);
    List<byte[]> controlForms = forms("in the clear " + control, control);
    Path kafka = PARLEY_HOME.resolve("data/kafka");
    Path cassandra = PARLEY_HOME.resolve("data/cassandra/data").resolve(fx.config.cassandra().keyspace());
    assertThat(foundIn(kafka, controlForms)).as("control marker in Kafka's segments").isTrue();
    assertThat(foundIn(cassandra, controlForms)).as("control marker in Cassandra's data files").isTrue();

    assertThat(foundIn(kafka, secretForms)).as("secret in Kafka's log segments").isFalse();
    assertThat(foundIn(cassandra, secretForms)).as("secret in Cassandra's data files").isFalse();
    assertThat(contains(pgDump(), secretForms)).as("secret in pg_dump").isFalse();
    assertThat(contains(redisValues(), secretForms)).as("secret in Redis").isFalse();
    assertThat(foundIn(Path.of("target"), secretForms, "node-")).as("secret in node logs").isFalse();
    assertThat(foundIn(PARLEY_HOME.resolve("log"), secretForms)).as("secret in service logs").isFalse();
    eventually(Duration.ofSeconds(30), () -> new String(publishes(), StandardCharsets.UTF_8).contains(group.toString()),
        () -> "no push for the offline member");
    assertThat(contains(publishes(), secretForms)).as("secret in push payloads").isFalse();
  }

  private static List<String> texts(MessagePathFixture.Conn c) {
    return c.received().stream().map(Message::payload).map(b -> new String(b, StandardCharsets.UTF_8)).toList();
  }

  /** The marker as raw UTF-8 and the whole text as standard base64 (how JSON frames carry payloads). */
  private static List<byte[]> forms(String text, String marker) {
    return List.of(marker.getBytes(StandardCharsets.UTF_8),
        Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)).getBytes(StandardCharsets.US_ASCII));
  }

  private static boolean foundIn(Path dir, List<byte[]> needles) throws Exception {
    return foundIn(dir, needles, "");
  }

  private static boolean foundIn(Path dir, List<byte[]> needles, String prefix) throws Exception {
    if (!Files.isDirectory(dir)) {
      throw new AssertionError(dir + " is not a directory: set PARLEY_HOME to the running services' home");
    }
    try (Stream<Path> files = Files.walk(dir)) {
      // Kafka preallocates its .index/.timeindex files (sparse, 10 MB each): only the .log segments hold records.
      for (Path f : files.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().startsWith(prefix))
          .filter(f -> !f.getFileName().toString().endsWith("index")).toList()) {
        byte[] bytes;
        try {
          bytes = Files.readAllBytes(f);
        } catch (java.io.IOException e) {
          continue; // a segment rolled or compacted away while walking
        }
        if (contains(bytes, needles)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean contains(byte[] haystack, List<byte[]> needles) {
    for (byte[] needle : needles) {
      outer:
      for (int i = 0; i + needle.length <= haystack.length; i++) {
        for (int j = 0; j < needle.length; j++) {
          if (haystack[i + j] != needle[j]) {
            continue outer;
          }
        }
        return true;
      }
    }
    return false;
  }

  /** Cassandra keeps recent writes in memtables: flush them to SSTables (nodetool flush, over local JMX). */
  private static void flushCassandra(String keyspace) throws Exception {
    JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:7199/jmxrmi");
    try (JMXConnector jmx = JMXConnectorFactory.connect(url)) {
      jmx.getMBeanServerConnection().invoke(new ObjectName("org.apache.cassandra.db:type=StorageService"),
          "forceKeyspaceFlush", new Object[] {keyspace, new String[0]},
          new String[] {String.class.getName(), String[].class.getName()});
    }
  }

  private static byte[] pgDump() throws Exception {
    ProcessBuilder pb = new ProcessBuilder("pg_dump", "-h", fx.config.pg().host(), "-p",
        Integer.toString(fx.config.pg().port()), "-U", fx.config.pg().user(), "-d", fx.config.pg().database());
    pb.environment().put("PGPASSWORD", System.getenv("PARLEY_PG_PASSWORD"));
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process process = pb.start();
    byte[] dump = process.getInputStream().readAllBytes();
    assertThat(process.waitFor()).as("pg_dump exit code").isZero();
    assertThat(new String(dump, StandardCharsets.UTF_8)).contains("CREATE TABLE");
    return dump;
  }

  /** Every value in Redis, read by type (SCAN, then GET / HGETALL / LRANGE / SMEMBERS / ZRANGE / XRANGE). */
  private static byte[] redisValues() {
    Redis redis = deps.redis();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    String cursor = "0";
    do {
      Response page = await(redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("COUNT").arg(1000)));
      cursor = page.get(0).toString();
      List<String> keys = new ArrayList<>();
      page.get(1).forEach(k -> keys.add(k.toString()));
      for (String key : keys) {
        Response type = await(redis.send(Request.cmd(Command.TYPE).arg(key)));
        Request read = switch (type.toString()) {
          case "string" -> Request.cmd(Command.GET).arg(key);
          case "hash" -> Request.cmd(Command.HGETALL).arg(key);
          case "list" -> Request.cmd(Command.LRANGE).arg(key).arg(0).arg(-1);
          case "set" -> Request.cmd(Command.SMEMBERS).arg(key);
          case "zset" -> Request.cmd(Command.ZRANGE).arg(key).arg(0).arg(-1);
          case "stream" -> Request.cmd(Command.XRANGE).arg(key).arg("-").arg("+");
          default -> null;
        };
        if (read != null) {
          Response value = await(redis.send(read));
          all.writeBytes(key.getBytes(StandardCharsets.UTF_8));
          if (value != null) {
            all.writeBytes(value.toString().getBytes(StandardCharsets.UTF_8));
          }
        }
      }
    } while (!"0".equals(cursor));
    return all.toByteArray();
  }
}
