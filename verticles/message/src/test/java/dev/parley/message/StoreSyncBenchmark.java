package dev.parley.message;

import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.Dependency;
import dev.parley.shared.deps.DependencyClients;
import dev.parley.shared.ids.MsgIdGenerator;
import dev.parley.shared.it.ItConfig;
import dev.parley.protocol.SendRecord;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;

import static dev.parley.shared.it.ItConfig.await;

/**
 * A benchmark, not a test (no IT suffix: failsafe never runs it by itself): the cost of the store's commit point —
 * the sequencer's conditional insert plus its dedup and head writes — as Cassandra's {@code commitlog_sync} mode
 * changes. {@code bench.channels} channels each store {@code bench.messages} single-message batches one after
 * another (the consumer's worst case: no batching), all channels at once; reported: stores per second and the
 * latency until the outcome is known (when the sender could be acked). docs/message-path.md has the figures.
 * <pre>
 *   eval "$(scripts/infra env)"   # or PARLEY_CASSANDRA_CONTACT_POINTS of a Cassandra started with the mode to measure
 *   mvn -o -B verify -DskipITs=false -pl verticles/message -am -Dit.test=StoreSyncBenchmark -Dtest=skip \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false -Dbench.channels=1,16
 * </pre>
 */
class StoreSyncBenchmark {
  private static final int MESSAGES = Integer.getInteger("bench.messages", 300);
  private static final int[] CHANNELS = Arrays.stream(System.getProperty("bench.channels", "1,16").split(","))
      .mapToInt(Integer::parseInt).toArray();

  @Test
  void storeRateAndLatency() {
    Vertx vertx = Vertx.vertx();
    ParleyConfig config = ItConfig.load(vertx);
    ItConfig.migrate(vertx, config);
    DependencyClients clients = DependencyClients.create(vertx, config, EnumSet.of(Dependency.CASSANDRA));
    try {
      MessageStore store = new MessageStore(clients.cassandra(), config.cassandra().keyspace(), 1_000,
          config.message().dedupTtlSeconds());
      await(store.prepare());
      run(vertx, store, 1, 100); // warm-up: JIT, prepared statements, Paxos state
      for (int channels : CHANNELS) {
        run(vertx, store, channels, MESSAGES);
      }
    } finally {
      await(clients.close());
      await(vertx.close());
    }
  }

  private static void run(Vertx vertx, MessageStore store, int channels, int messages) {
    Sequencer sequencer = new Sequencer(store, new MsgIdGenerator(7, Clock.systemUTC()), Clock.systemUTC());
    long[] latencies = new long[channels * messages];
    long t0 = System.nanoTime();
    List<Future<Void>> all = new ArrayList<>();
    Context context = vertx.getOrCreateContext(); // the sequencer is single-threaded: one event loop for all
    for (int c = 0; c < channels; c++) {
      int slot = c * messages;
      all.add(onContext(context, () -> channel(sequencer, UUID.randomUUID(), 0, messages, latencies, slot)));
    }
    await(Future.all(all));
    double seconds = (System.nanoTime() - t0) / 1e9;
    Arrays.sort(latencies);
    System.out.printf("commit-point bench: channels=%d messages=%d rate=%.0f/s latency p50=%.2f ms p99=%.2f ms%n",
        channels, channels * messages, latencies.length / seconds, latencies[latencies.length / 2] / 1e6,
        latencies[(int) (latencies.length * 0.99)] / 1e6);
  }

  private static Future<Void> channel(Sequencer sequencer, UUID channel, int i, int n, long[] latencies, int slot) {
    if (i == n) {
      return Future.succeededFuture();
    }
    SendRecord send = new SendRecord(channel, UUID.randomUUID(), UUID.randomUUID(), "b-" + i, "application",
        new byte[64], "bench", 0);
    long start = System.nanoTime();
    return sequencer.sequence(List.of(send)).compose(batch -> {
      latencies[slot + i] = System.nanoTime() - start;
      return Future.all(batch.recorded(), batch.hinted());
    }).compose(v -> channel(sequencer, channel, i + 1, n, latencies, slot));
  }

  private static Future<Void> onContext(Context context, java.util.function.Supplier<Future<Void>> task) {
    Promise<Void> p = Promise.promise();
    context.runOnContext(v -> task.get().onComplete(p));
    return p.future();
  }
}
