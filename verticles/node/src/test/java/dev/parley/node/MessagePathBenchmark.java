package dev.parley.node;

import dev.parley.client.Ack;
import dev.parley.node.MessagePathFixture.Conn;
import dev.parley.node.MessagePathFixture.Device;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A benchmark, not a test (failsafe never picks it up by itself: the name does not end in IT). Two gateway JVMs
 * and one message JVM on the local services; {@code PAIRS} one-on-one channels, the sender on gateway 1 and the
 * receiver on gateway 2; each step offers a fixed total rate (open loop) for {@code SECONDS} and reports the
 * delivered rate and the end-to-end latency (sender's send → receiver's verified delivery, one clock: same JVM)
 * and the ack latency; a warm-up step ({@code bench.warmupRate} × {@code bench.warmupSeconds}) runs first, and the
 * message node's {@code parley.message.*} meters are printed at the end. Run (docs/message-path.md has figures):
 * <pre>
 *   eval "$(scripts/infra env)"; mvn -o -q install -DskipTests
 *   mvn -o -B verify -DskipITs=false -pl verticles/node -Dit.test=MessagePathBenchmark \
 *     -Dtest=skip -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false \
 *     -Dbench.warmupRate=100 -Dbench.warmupSeconds=15 -Dbench.rates=100,200,400,800 -Dbench.seconds=15
 * </pre>
 */
class MessagePathBenchmark {
  private static final int PAIRS = Integer.getInteger("bench.pairs", 24);
  private static final int SECONDS = Integer.getInteger("bench.seconds", 15);
  private static final int WARMUP_RATE = Integer.getInteger("bench.warmupRate", 50);
  private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmupSeconds", 5);
  private static final int[] RATES = Arrays.stream(System.getProperty("bench.rates", "100,200,400").split(","))
      .mapToInt(Integer::parseInt).toArray();
  private static MessagePathFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = new MessagePathFixture(27_001);
    JsonObject unlimited = new JsonObject().put("gateway", new JsonObject().put("sendRatePerSecond", 100_000)
        .put("sendBurst", 100_000));
    NodeProcess gw1 = fx.startGateway("bench-gw1", unlimited);
    NodeProcess gw2 = fx.startGateway("bench-gw2", unlimited);
    NodeProcess msg = fx.startMessage("bench-msg");
    fx.awaitReady(gw1, gw2, msg);
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void run() {
    List<Conn> senders = new ArrayList<>();
    List<UUID> channels = new ArrayList<>();
    ConcurrentLinkedQueue<Long> e2e = new ConcurrentLinkedQueue<>();
    AtomicLong delivered = new AtomicLong();
    for (int i = 0; i < PAIRS; i++) {
      Device a = fx.user();
      Device b = fx.user();
      channels.add(fx.channel(a, List.of(a, b)));
      senders.add(fx.connect(a, "bench-gw1"));
      Conn receiver = fx.open(b, "bench-gw2");
      receiver.client().onMessage(m -> {
        e2e.add(System.nanoTime() - ByteBuffer.wrap(m.payload()).getLong());
        delivered.incrementAndGet();
      });
      MessagePathFixture.await(receiver.client().connect());
    }
    step(senders, channels, WARMUP_RATE, WARMUP_SECONDS, e2e, delivered, "warm-up");
    for (int rate : RATES) {
      step(senders, channels, rate, SECONDS, e2e, delivered, "rate " + rate + "/s");
    }
    // The message node's own meters (parley.message.*: batch sizes, store and fan-out times) over the whole run.
    fx.nodes.get("bench-msg").get("/metrics").body().lines()
        .filter(l -> l.startsWith("parley_message_") && !l.contains("_bucket")).forEach(l -> System.out.println("BENCH-METER " + l));
  }

  private static void step(List<Conn> senders, List<UUID> channels, int rate, int seconds,
                           ConcurrentLinkedQueue<Long> e2e, AtomicLong delivered, String label) {
    e2e.clear();
    delivered.set(0);
    ConcurrentLinkedQueue<Long> ackLatency = new ConcurrentLinkedQueue<>();
    List<Future<Ack>> acks = new ArrayList<>();
    long intervalNs = 1_000_000_000L / rate;
    long start = System.nanoTime();
    long total = (long) rate * seconds;
    for (long i = 0; i < total; i++) {
      long due = start + i * intervalNs;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        java.util.concurrent.locks.LockSupport.parkNanos(wait);
      }
      int k = (int) (i % senders.size());
      long t0 = System.nanoTime();
      byte[] payload = ByteBuffer.allocate(64).putLong(t0).array();
      acks.add(senders.get(k).client().send(channels.get(k), "application", payload)
          .onSuccess(a -> ackLatency.add(System.nanoTime() - t0)));
    }
    long sendEnd = System.nanoTime();
    MessagePathFixture.eventually(java.time.Duration.ofSeconds(120), () -> delivered.get() >= total,
        () -> label + ": delivered " + delivered.get() + " of " + total);
    long end = System.nanoTime();
    MessagePathFixture.await(Future.all(acks));
    System.out.printf("BENCH %-12s offered %5d msg/s for %2d s: delivered %6d in %.1f s = %7.1f msg/s; "
            + "e2e ms p50 %6.1f p99 %6.1f max %7.1f; ack ms p50 %6.1f p99 %6.1f%n",
        label, rate, seconds, delivered.get(), (end - start) / 1e9, delivered.get() / ((end - start) / 1e9),
        pct(e2e, 50), pct(e2e, 99), pct(e2e, 100), pct(ackLatency, 50), pct(ackLatency, 99));
    if ((sendEnd - start) / 1e9 > seconds * 1.2) {
      System.out.printf("BENCH %-12s (the load generator fell behind: sending took %.1f s)%n", label,
          (sendEnd - start) / 1e9);
    }
  }

  private static double pct(ConcurrentLinkedQueue<Long> values, int p) {
    long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int idx = Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1);
    return sorted[Math.max(0, idx)] / 1e6;
  }
}
