package dev.parley.message;

import dev.parley.message.delivery.Delivery;
import dev.parley.protocol.Envelope;
import dev.parley.protocol.SendRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The message role's loop over the Kafka message log: poll a batch, sequence and store each channel's sends of the
 * batch together (channels in parallel; one conditional batch per channel and bucket, see {@link Sequencer}), then
 * hand them to {@link Delivery} (head → look-ups → index → one send per gateway). The next poll starts as soon as this batch is stored: its fan-out runs meanwhile (up to
 * {@link #MAX_UNCOMMITTED} batches' fan-outs overlap the next batches' storage), each channel's in order behind
 * that channel's previous fan-out.
 * A batch's offsets are committed, in batch order, only after every send in it is stored and handed to fan-out.
 * A batch whose storage failed is not committed: the consumer seeks back and it is replayed, which the sequencer's
 * dedup makes harmless. Kafka's group protocol gives each partition (hence each channel) one owner; the conditional
 * insert fences an owner that lost its partition without noticing.
 */
public final class LogConsumer {
  private static final Logger LOG = LoggerFactory.getLogger(LogConsumer.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final long RETRY_DELAY_MS = 1_000;
  private static final long SLOW_BATCH_MS = 500;
  /**
   * Stored batches whose fan-out may still run while the next batch is polled and stored: storage and fan-out
   * overlap instead of adding up; the bound keeps memory and the replay after a crash small.
   */
  private static final int MAX_UNCOMMITTED = 4;

  private final Vertx vertx;
  private final KafkaConsumer<String, String> consumer;
  private final Sequencer sequencer;
  private final Delivery delivery;
  private final String topic;
  private final MessageMeters meters;
  /** Each channel's last fan-out in flight: the next batch's fan-out of that channel runs after it. */
  private final Map<UUID, Future<Void>> fanOutTail = new HashMap<>();
  /** Completes when the last batch handled so far is committed (or given up); commits are chained in batch order. */
  private Future<Void> committed = Future.succeededFuture();
  /** Batches stored but not yet committed (fan-out still running), oldest first. */
  private final Deque<Future<Void>> uncommitted = new ArrayDeque<>();
  private volatile boolean stopped;

  public LogConsumer(Vertx vertx, KafkaConsumer<String, String> consumer, Sequencer sequencer, Delivery delivery,
                     String topic, MessageMeters meters) {
    this.vertx = vertx;
    this.consumer = consumer;
    this.sequencer = sequencer;
    this.delivery = delivery;
    this.topic = topic;
    this.meters = meters;
  }

  public Future<Void> start() {
    consumer.partitionsAssignedHandler(parts -> {
      LOG.info("assigned {} partitions of {}", parts.size(), topic);
      sequencer.forgetHeads();
    });
    consumer.partitionsRevokedHandler(parts -> {
      LOG.info("revoked {} partitions of {}", parts.size(), topic);
      sequencer.forgetHeads();
    });
    return consumer.subscribe(topic).onSuccess(v -> loop());
  }

  public Future<Void> stop() {
    stopped = true;
    return consumer.close();
  }

  private void loop() {
    if (stopped) {
      return;
    }
    consumer.poll(POLL).compose(this::handle).onComplete(ar -> {
      if (ar.succeeded()) {
        vertx.runOnContext(v -> loop());
      } else if (!stopped) {
        LOG.error("message batch failed, replaying it in {} ms: {}", RETRY_DELAY_MS, ar.cause().toString());
        vertx.setTimer(RETRY_DELAY_MS, t -> loop());
      }
    });
  }

  /** Completes when the batch is stored and there is room for another batch whose fan-out is still running. */
  private Future<Void> handle(KafkaConsumerRecords<String, String> records) {
    if (records.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<UUID, List<SendRecord>> byChannel = new LinkedHashMap<>();
    Map<TopicPartition, Long> first = new HashMap<>();
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    for (int i = 0; i < records.size(); i++) {
      KafkaConsumerRecord<String, String> r = records.recordAt(i);
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      first.merge(tp, r.offset(), Math::min);
      commit.merge(tp, new OffsetAndMetadata(r.offset() + 1, ""), (a, b) -> a.getOffset() >= b.getOffset() ? a : b);
      SendRecord send = parse(r);
      if (send != null) {
        byChannel.computeIfAbsent(send.channelId(), k -> new ArrayList<>()).add(send);
      }
    }
    meters.batch(records.size());
    long started = System.nanoTime();
    List<Future<?>> stored = new ArrayList<>(byChannel.size());
    List<Future<?>> handed = new ArrayList<>(byChannel.size());
    byChannel.forEach((channel, sends) -> {
      Future<Sequencer.Batch> batch = sequencer.sequence(sends);
      // Fan-out starts as soon as the message rows are stored; the dedup/head writes complete meanwhile.
      Future<Void> recorded = meters.timeStore(batch.compose(Sequencer.Batch::recorded));
      stored.add(recorded);
      handed.add(Future.all(recorded, batch.compose(Sequencer.Batch::hinted),
          batch.compose(b -> fanOutInOrder(channel, b.outcomes()))));
    });
    Future<Void> previous = committed;
    // Commits stay in batch order (a late commit of an older batch would move the offsets back); a batch whose
    // storage failed is not committed at all.
    Future<Void> mine = Future.join(handed).transform(ar -> previous.compose(v -> ar.succeeded() ? commit(commit)
        : Future.<Void>succeededFuture()));
    committed = mine;
    uncommitted.addLast(mine);
    mine.onComplete(ar -> uncommitted.remove(mine));
    return Future.all(stored)
        .onSuccess(v -> logSlowBatch(records.size(), byChannel.size(), started))
        .recover(err -> rewind(first).compose(v -> Future.failedFuture(err)))
        .compose(v -> roomForNextBatch());
  }

  /** Completes once at most {@link #MAX_UNCOMMITTED} batches wait for their fan-out (commits finish in order). */
  private Future<Void> roomForNextBatch() {
    int excess = uncommitted.size() - MAX_UNCOMMITTED;
    if (excess <= 0) {
      return Future.succeededFuture();
    }
    return new ArrayList<>(uncommitted).get(excess - 1);
  }

  private static SendRecord parse(KafkaConsumerRecord<String, String> r) {
    try {
      return SendRecord.fromJson(new JsonObject(r.value()));
    } catch (RuntimeException e) {
      // A record no code can ever store: skipping it is the only way forward; it is logged with its position.
      LOG.error("skipping malformed record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
      return null;
    }
  }

  private Future<Void> commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    return consumer.commit(offsets).<Void>mapEmpty()
        // Losing the partition between the write and the commit is harmless: the next owner replays and dedups.
        .recover(err -> {
          LOG.warn("offset commit failed (partitions moved?): {}", err.toString());
          return Future.succeededFuture();
        });
  }

  /** Runs this batch's fan-out of the channel after the channel's previous one, so frames keep seq order. */
  private Future<Void> fanOutInOrder(UUID channel, List<Sequencer.Outcome> outcomes) {
    Future<Void> before = fanOutTail.getOrDefault(channel, Future.succeededFuture());
    Future<Void> mine = before.compose(v -> meters.timeFanOut(deliver(outcomes)));
    fanOutTail.put(channel, mine);
    mine.onComplete(ar -> fanOutTail.remove(channel, mine));
    return mine;
  }

  private Future<Void> deliver(List<Sequencer.Outcome> all) {
    // Refused sends took no seq: their senders got error frames from the gate; nothing to deliver for them.
    List<Sequencer.Outcome> outcomes = all.stream().filter(o -> !o.refused()).toList();
    if (outcomes.isEmpty()) {
      return Future.succeededFuture();
    }
    meters.stored(outcomes);
    // A delivery failure is not a storage failure: recipients fill the gap from history, the sender retries.
    return delivery.deliver(outcomes).recover(err -> {
      Envelope last = outcomes.get(outcomes.size() - 1).envelope();
      LOG.warn("channel {} up to seq {}: fan-out failed: {}", last.channelId(), last.seq(), err.toString());
      return Future.succeededFuture();
    });
  }

  private static void logSlowBatch(int records, int channels, long startedNs) {
    long ms = (System.nanoTime() - startedNs) / 1_000_000;
    if (ms > SLOW_BATCH_MS) {
      LOG.info("batch of {} records in {} channels took {} ms to store", records, channels, ms);
    }
  }

  private Future<Void> rewind(Map<TopicPartition, Long> first) {
    sequencer.forgetHeads();
    List<Future<Void>> seeks = new ArrayList<>();
    first.forEach((tp, offset) -> seeks.add(consumer.seek(tp, offset)));
    return Future.join(seeks).<Void>mapEmpty().recover(err -> Future.succeededFuture());
  }
}
