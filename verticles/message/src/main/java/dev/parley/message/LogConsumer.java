package dev.parley.message;

import dev.parley.shared.message.SendRecord;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The message role's loop over the Kafka message log: poll a batch, run each channel's sends strictly in log
 * order (channels in parallel), and commit the batch's offsets only after every send in it is stored and handed to
 * fan-out. A failed batch is not committed: the consumer seeks back and the batch is replayed, which the
 * sequencer's dedup makes harmless. Kafka's group protocol gives each partition (hence each channel) one owner;
 * the conditional insert fences an owner that lost its partition without noticing.
 */
public final class LogConsumer {
  private static final Logger LOG = LoggerFactory.getLogger(LogConsumer.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final long RETRY_DELAY_MS = 1_000;
  private static final long SLOW_BATCH_MS = 500;

  private final Vertx vertx;
  private final KafkaConsumer<String, String> consumer;
  private final Sequencer sequencer;
  private final FanOut fanOut;
  private final String topic;
  private volatile boolean stopped;
  private dev.parley.shared.chats.ChatIndexer chats;

  /** Also keeps the chat list and unread state (issue 7) around each new message's delivery. */
  public LogConsumer(Vertx vertx, KafkaConsumer<String, String> consumer, Sequencer sequencer, FanOut fanOut,
                     String topic, dev.parley.shared.chats.ChatIndexer chats) {
    this(vertx, consumer, sequencer, fanOut, topic);
    this.chats = chats;
  }

  public LogConsumer(Vertx vertx, KafkaConsumer<String, String> consumer, Sequencer sequencer, FanOut fanOut,
                     String topic) {
    this.vertx = vertx;
    this.consumer = consumer;
    this.sequencer = sequencer;
    this.fanOut = fanOut;
    this.topic = topic;
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

  private Future<Void> handle(KafkaConsumerRecords<String, String> records) {
    if (records.isEmpty()) {
      return Future.succeededFuture();
    }
    Map<String, List<KafkaConsumerRecord<String, String>>> byChannel = new LinkedHashMap<>();
    Map<TopicPartition, Long> first = new HashMap<>();
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    for (int i = 0; i < records.size(); i++) {
      KafkaConsumerRecord<String, String> r = records.recordAt(i);
      byChannel.computeIfAbsent(String.valueOf(r.key()), k -> new ArrayList<>()).add(r);
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      first.merge(tp, r.offset(), Math::min);
      commit.merge(tp, new OffsetAndMetadata(r.offset() + 1, ""), (a, b) -> a.getOffset() >= b.getOffset() ? a : b);
    }
    long started = System.nanoTime();
    List<Future<Void>> chains = new ArrayList<>();
    for (List<KafkaConsumerRecord<String, String>> channel : byChannel.values()) {
      Future<Void> chain = Future.succeededFuture();
      for (KafkaConsumerRecord<String, String> r : channel) {
        chain = chain.compose(v -> process(r));
      }
      chains.add(chain);
    }
    return Future.all(chains)
        .onSuccess(v -> logSlowBatch(records.size(), byChannel.size(), started))
        .compose(v -> consumer.commit(commit).<Void>mapEmpty()
            // Losing the partition between the write and the commit is harmless: the next owner replays and dedups.
            .recover(err -> {
              LOG.warn("offset commit failed (partitions moved?): {}", err.toString());
              return Future.succeededFuture();
            }))
        .recover(err -> rewind(first).compose(v -> Future.failedFuture(err)));
  }

  private static void logSlowBatch(int records, int channels, long startedNs) {
    long ms = (System.nanoTime() - startedNs) / 1_000_000;
    if (ms > SLOW_BATCH_MS) {
      LOG.info("batch of {} records in {} channels took {} ms", records, channels, ms);
    }
  }

  private Future<Void> rewind(Map<TopicPartition, Long> first) {
    sequencer.forgetHeads();
    List<Future<Void>> seeks = new ArrayList<>();
    first.forEach((tp, offset) -> seeks.add(consumer.seek(tp, offset)));
    return Future.join(seeks).<Void>mapEmpty().recover(err -> Future.succeededFuture());
  }

  private Future<Void> process(KafkaConsumerRecord<String, String> r) {
    SendRecord send;
    try {
      send = SendRecord.fromJson(new JsonObject(r.value()));
    } catch (RuntimeException e) {
      // A record no code can ever store: skipping it is the only way forward; it is logged with its position.
      LOG.error("skipping malformed record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
      return Future.succeededFuture();
    }
    return sequencer.process(send).compose(outcome -> {
      // Chat updates run for duplicates too (they are idempotent): a replayed batch must not leave the index behind.
      java.util.function.Supplier<Future<Void>> fan = () -> outcome.duplicate() ? fanOut.ackOnly(outcome.envelope())
          : fanOut.deliver(outcome.envelope());
      Future<Void> delivery = chats == null ? fan.get() : chats.around(outcome.envelope(), fan);
      // A delivery failure is not a storage failure: recipients fill the gap from history, the sender retries.
      return delivery.recover(err -> {
        LOG.warn("channel {} seq {}: fan-out failed: {}", send.channelId(), outcome.envelope().seq(), err.toString());
        return Future.succeededFuture();
      });
    });
  }
}
