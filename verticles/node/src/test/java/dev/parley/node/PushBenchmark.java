package dev.parley.node;

import dev.parley.node.MessagePathFixture.Device;
import dev.parley.chatstate.ChatStore;
import dev.parley.shared.deps.Dependency;
import dev.parley.shared.deps.DependencyClients;
import dev.parley.snslocal.SnsLocalServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.sqlclient.Tuple;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsAsyncClient;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.parley.node.MessagePathFixture.await;
import static dev.parley.node.MessagePathFixture.eventually;

/**
 * A benchmark, not a test (its name does not end in IT). One push node JVM on the real Kafka/PostgreSQL/Redis,
 * publishing to the local SNS stand-in in this JVM; {@code bench.devices} offline devices with one channel each.
 * First the ceiling: the raw SDK publish rate from this JVM to the same stand-in ({@code bench.sdkConcurrency} in
 * flight, {@code bench.seconds}). Then each step offers notification jobs at a fixed rate (open loop) for
 * {@code bench.seconds} with coalescing off ({@code push.coalesceWindowMs=0}, every job must become a publish) and
 * reports the publish rate the node sustained and commit→push latency (the job's ts, stamped when it is produced
 * here, to the stand-in receiving the publish; one clock). Run (docs/push.md has figures):
 * <pre>
 *   eval "$(scripts/infra env)"
 *   mvn -o -B verify -DskipITs=false -pl verticles/node -am -Dit.test=PushBenchmark -Dtest=skip \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false -Dbench.rates=200,500,1000
 * </pre>
 */
class PushBenchmark {
  private static final int DEVICES = Integer.getInteger("bench.devices", 200);
  private static final int SECONDS = Integer.getInteger("bench.seconds", 15);
  private static final int SDK_CONCURRENCY = Integer.getInteger("bench.sdkConcurrency", 64);
  private static final int[] RATES = Arrays.stream(System.getProperty("bench.rates", "200,500,1000").split(","))
      .mapToInt(Integer::parseInt).toArray();
  private static final String TOPIC = "parley.notifications.bench-" + UUID.randomUUID();
  private static MessagePathFixture fx;
  private static Vertx snsVertx;
  private static int snsPort;
  private static SnsAsyncClient sns;
  private static WebClient http;
  private static DependencyClients deps;
  private static final List<Device> devices = new ArrayList<>();
  private static final List<String> arns = new ArrayList<>();
  private static final List<UUID> channels = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    snsVertx = Vertx.vertx();
    SnsLocalServer server = new SnsLocalServer("127.0.0.1", 0, Clock.systemUTC());
    await(snsVertx.deployVerticle(server));
    snsPort = server.actualPort();
    String url = "http://127.0.0.1:" + snsPort;
    http = WebClient.create(snsVertx);
    sns = SnsAsyncClient.builder().endpointOverride(URI.create(url)).region(Region.US_EAST_1)
        .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(SDK_CONCURRENCY + 8))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench"))).build();
    fx = new MessagePathFixture(27_401);
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", fx.config.kafka().bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 6, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    deps = DependencyClients.create(fx.vertx, fx.config, EnumSet.of(Dependency.POSTGRES, Dependency.REDIS));
    ChatStore chats = ChatStore.on(deps.redis());
    for (int i = 0; i < DEVICES; i++) {
      Device d = fx.user();
      String token = (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
      String arn = sns.createPlatformEndpoint(r -> r.platformApplicationArn(
          "arn:aws:sns:us-east-1:000000000000:app/APNS/parley-local").token(token)).join().endpointArn();
      await(deps.pg().preparedQuery("INSERT INTO push_endpoints (device_id, user_id, platform, token, endpoint_arn, "
          + "created_at, updated_at) VALUES ($1, $2, 'apns', $3, $4, now(), now())")
          .execute(Tuple.of(d.deviceId(), d.userId(), token, arn)));
      UUID channel = UUID.randomUUID();
      // A head far ahead of every job: nothing counts as read, every job is pushed.
      await(chats.heads().updateHead(channel, 1_000_000_000L, System.currentTimeMillis(), new JsonObject()));
      devices.add(d);
      arns.add(arn);
      channels.add(channel);
    }
    Map<String, String> env = Map.of("PARLEY_KAFKA_NOTIFICATIONS_TOPIC", TOPIC, "PARLEY_PUSH_ENDPOINT_OVERRIDE", url,
        "PARLEY_PUSH_CONSUMER_GROUP", "parley-push-bench-" + UUID.randomUUID(), "PARLEY_PUSH_COALESCE_WINDOW_MS", "0",
        "AWS_ACCESS_KEY_ID", "bench", "AWS_SECRET_ACCESS_KEY", "bench");
    NodeProcess push = NodeProcess.start("bench-push", fx.cluster, fx.hzPort, List.of("push"),
        fx.nodeConf(NodeProcess.freePort(), new JsonObject()), env);
    fx.nodes.put("bench-push", push);
    fx.awaitReady(push);
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
    if (sns != null) {
      sns.close();
    }
    if (snsVertx != null) {
      snsVertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void run() throws Exception {
    double ceiling = rawSdkRate();
    System.out.printf("%nraw SDK publish rate (this JVM -> stand-in, %d in flight): %.0f/s%n", SDK_CONCURRENCY, ceiling);
    KafkaProducer<String, String> producer = KafkaProducer.create(fx.vertx,
        dev.parley.shared.deps.KafkaClientConfig.producer(fx.config.kafka(), "push-bench"));
    long seq = 0;
    System.out.printf("%-10s %-10s %-12s %-10s %-10s %-10s%n", "offered/s", "jobs", "published/s", "p50 ms", "p99 ms",
        "max ms");
    for (int rate : RATES) {
      await(http.delete(snsPort, "127.0.0.1", "/_local/publishes").send());
      int jobs = rate * SECONDS;
      long intervalNs = 1_000_000_000L / rate;
      long startNs = System.nanoTime();
      for (int i = 0; i < jobs; i++) {
        long due = startNs + i * intervalNs;
        while (System.nanoTime() < due) {
          Thread.onSpinWait();
        }
        int d = i % DEVICES;
        seq++;
        long ts = System.currentTimeMillis();
        PRODUCED.put(Long.toString(seq), ts);
        JsonObject job = new JsonObject().put("type", "message").put("userId", devices.get(d).userId().toString())
            .put("deviceId", devices.get(d).deviceId().toString()).put("channelId", channels.get(d).toString())
            .put("seq", seq).put("msgId", Long.toString(seq)).put("kind", "application")
            .put("ts", ts);
        producer.send(KafkaProducerRecord.create(TOPIC, devices.get(d).deviceId().toString(), job.encode()));
      }
      eventually(java.time.Duration.ofSeconds(120), () -> count() >= jobs, () -> "only " + count() + " of " + jobs
          + " published");
      report(rate, jobs);
    }
    await(producer.close());
  }

  private static int count() {
    return await(http.get(snsPort, "127.0.0.1", "/_local/publishes/count").send()).bodyAsJsonObject()
        .getInteger("count");
  }

  /**
   * Publish rate over the step and commit → push latency: a push is content-free, so each job's produce time is
   * found again through its msgId (the benchmark numbers jobs and records when it produced each).
   */
  private static void report(int rate, int jobs) {
    JsonArray all = await(http.get(snsPort, "127.0.0.1", "/_local/publishes").send()).bodyAsJsonObject()
        .getJsonArray("publishes");
    long[] latencies = new long[all.size()];
    long first = Long.MAX_VALUE;
    long last = 0;
    for (int i = 0; i < all.size(); i++) {
      JsonObject p = all.getJsonObject(i);
      long received = Instant.parse(p.getString("receivedAt")).toEpochMilli();
      first = Math.min(first, received);
      last = Math.max(last, received);
      Long produced = PRODUCED.get(p.getJsonObject("payload").getJsonObject("parley").getString("msgId"));
      latencies[i] = produced == null ? 0 : received - produced;
    }
    Arrays.sort(latencies);
    double seconds = Math.max(1, last - first) / 1000.0;
    System.out.printf("%-10d %-10d %-12.0f %-10d %-10d %-10d%n", rate, jobs, all.size() / seconds,
        pct(latencies, 0.50), pct(latencies, 0.99), latencies.length == 0 ? 0 : latencies[latencies.length - 1]);
  }

  /** msgId → when the job was produced (epoch ms, the job's ts). */
  private static final Map<String, Long> PRODUCED = new java.util.concurrent.ConcurrentHashMap<>();

  private static long pct(long[] sorted, double q) {
    return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  }

  /** Publishes straight from the SDK for {@code bench.seconds}, {@code bench.sdkConcurrency} in flight. */
  private static double rawSdkRate() throws Exception {
    Semaphore inFlight = new Semaphore(SDK_CONCURRENCY);
    AtomicLong done = new AtomicLong();
    String message = new JsonObject().put("default", "New message").put("APNS",
        new JsonObject().put("aps", new JsonObject().put("badge", 1)).encode()).encode();
    long end = System.nanoTime() + SECONDS * 1_000_000_000L;
    long start = System.nanoTime();
    int i = 0;
    while (System.nanoTime() < end) {
      inFlight.acquire();
      String arn = arns.get(i++ % arns.size());
      CompletableFuture<?> f = sns.publish(r -> r.targetArn(arn).messageStructure("json").message(message));
      f.whenComplete((r, e) -> {
        done.incrementAndGet();
        inFlight.release();
      });
    }
    inFlight.acquire(SDK_CONCURRENCY);
    double rate = done.get() / ((System.nanoTime() - start) / 1e9);
    await(http.delete(snsPort, "127.0.0.1", "/_local/publishes").send());
    return rate;
  }
}
