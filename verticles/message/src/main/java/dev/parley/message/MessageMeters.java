package dev.parley.message;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;

import java.time.Duration;
import java.util.List;

/**
 * Micrometer meters of the message path (served on the node's ops port at {@code /metrics}): messages stored and
 * duplicates recognised, records per consumer poll, and per channel batch the time to store and to fan out.
 */
public final class MessageMeters {
  private final Counter stored;
  private final Counter duplicates;
  private final DistributionSummary batchRecords;
  private final DistributionSummary channelBatch;
  private final Timer store;
  private final Timer fanOut;

  public MessageMeters(MeterRegistry registry) {
    stored = Counter.builder("parley.message.stored").description("new messages stored").register(registry);
    duplicates = Counter.builder("parley.message.duplicates")
        .description("sends recognised as retries of a stored message").register(registry);
    batchRecords = DistributionSummary.builder("parley.message.poll.records")
        .description("records per consumer poll").publishPercentiles(0.5, 0.99).register(registry);
    channelBatch = DistributionSummary.builder("parley.message.channel.batch")
        .description("sends of one channel sequenced together (one conditional batch per bucket)")
        .publishPercentiles(0.5, 0.99).register(registry);
    store = Timer.builder("parley.message.store")
        .description("dedup lookups, conditional batch and dedup/head writes of one channel's sends of a poll")
        .publishPercentiles(0.5, 0.99).register(registry);
    fanOut = Timer.builder("parley.message.fanout")
        .description("delivery of one channel's sends of a poll: chat head, look-ups, chat index, event-bus sends")
        .publishPercentiles(0.5, 0.99).register(registry);
  }

  void batch(int records) {
    batchRecords.record(records);
  }

  void stored(List<Sequencer.Outcome> outcomes) {
    long dups = outcomes.stream().filter(Sequencer.Outcome::duplicate).count();
    duplicates.increment(dups);
    stored.increment(outcomes.size() - dups);
    channelBatch.record(outcomes.size());
  }

  <T> Future<T> timeStore(Future<T> work) {
    return time(store, work);
  }

  <T> Future<T> timeFanOut(Future<T> work) {
    return time(fanOut, work);
  }

  private static <T> Future<T> time(Timer timer, Future<T> work) {
    long started = System.nanoTime();
    return work.onComplete(ar -> timer.record(Duration.ofNanos(System.nanoTime() - started)));
  }
}
