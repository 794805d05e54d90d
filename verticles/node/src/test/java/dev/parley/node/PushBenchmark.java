package dev.parley.node;

import dev.parley.node.MessagePathFixture.Device;
import dev.parley.chatstate.ChatStore;
import dev.parley.shared.deps.Dependency;
import dev.parley.shared.deps.DependencyClients;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
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
  private static MessagePathFixture fx;
  private static SnsStandIn sns;
  private static DependencyClients deps;
  private static final List<Device> devices = new ArrayList<>();
  private static final List<String> arns = new ArrayList<>();
  private static final List<UUID> channels = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    fx = new MessagePathFixture(27_401);
    deps = DependencyClients.create(fx.vertx, fx.config, EnumSet.of(Dependency.POSTGRES, Dependency.REDIS));
    sns = new SnsStandIn(fx, deps.pg(), "parley.notifications.bench-", SDK_CONCURRENCY);
    ChatStore chats = ChatStore.on(deps.redis());
    for (int i = 0; i < DEVICES; i++) {
      Device d = fx.user();
      String arn = sns.register(d);
      UUID channel = UUID.randomUUID();
      // A head far ahead of every job: nothing counts as read, every job is pushed.
      await(chats.heads().updateHead(channel, 1_000_000_000L, System.currentTimeMillis(), new JsonObject()));
      devices.add(d);
      arns.add(arn);
      channels.add(channel);
    }
    Map<String, String> env = sns.nodeEnv("parley-push-bench-" + UUID.randomUUID(), 0);
    NodeProcess push = NodeProcess.start("bench-push", fx.cluster, fx.hzPort, List.of("push"),
        fx.nodeConf(NodeProcess.freePort(), new JsonObject()), env);
    fx.nodes.put("bench-push", push);
    fx.awaitReady(push);
  }

  @AfterAll
  static void stop() throws Exception {
    MessagePathFixture.closeAll(fx, sns);
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
      sns.clearPublishes();
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
        producer.send(KafkaProducerRecord.create(sns.topic, devices.get(d).deviceId().toString(), job.encode()));
      }
      eventually(java.time.Duration.ofSeconds(120), () -> count() >= jobs, () -> "only " + count() + " of " + jobs
          + " published");
      report(rate, jobs);
    }
    await(producer.close());
  }

  private static int count() {
    return sns.count();
  }

  /**
   * Publish rate over the step and commit → push latency: a push is content-free, so each job's produce time is
   * found again through its msgId (the benchmark numbers jobs and records when it produced each).
   */
  private static void report(int rate, int jobs) {
    JsonArray all = sns.publishes();
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
      CompletableFuture<?> f = sns.sdk().publish(r -> r.targetArn(arn).messageStructure("json").message(message));
      f.whenComplete((r, e) -> {
        done.incrementAndGet();
        inFlight.release();
      });
    }
    inFlight.acquire(SDK_CONCURRENCY);
    double rate = done.get() / ((System.nanoTime() - start) / 1e9);
    sns.clearPublishes();
    return rate;
  }
}
