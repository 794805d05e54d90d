package dev.parley.push;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The push role's loop over {@code parley.notifications} (a consumer group, manual commits): each job goes to the
 * {@link Coalescer}; a partition's offset is committed, in order, once every job before it was published, folded into
 * a push that was handled, or given up ({@link OffsetTracker}). So a push node killed at any moment leaves its
 * unfinished jobs to be replayed by the next owner; a replayed job publishes again with the same collapse key, which
 * the device collapses. Polling pauses while {@code maxInFlight} jobs are unfinished.
 */
public final class NotificationConsumer {
  private static final Logger LOG = LoggerFactory.getLogger(NotificationConsumer.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final long RETRY_DELAY_MS = 1_000;

  private final Vertx vertx;
  private final KafkaConsumer<String, String> consumer;
  private final String topic;
  private final Coalescer coalescer;
  private final PushMeters meters;
  private final int maxInFlight;
  private final OffsetTracker tracker = new OffsetTracker();
  private Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();
  private boolean committing;
  private int inFlight;
  private Promise<Void> room;
  private volatile boolean stopped;

  public NotificationConsumer(Vertx vertx, KafkaConsumer<String, String> consumer, String topic, Coalescer coalescer,
                              PushMeters meters, int maxInFlight) {
    this.vertx = vertx;
    this.consumer = consumer;
    this.topic = topic;
    this.coalescer = coalescer;
    this.meters = meters;
    this.maxInFlight = maxInFlight;
  }

  public Future<Void> start() {
    consumer.partitionsAssignedHandler(parts -> LOG.info("assigned {} partitions of {}", parts.size(), topic));
    consumer.partitionsRevokedHandler(parts -> {
      LOG.info("revoked {} partitions of {}", parts.size(), topic);
      tracker.forget(parts);
      parts.forEach(toCommit::remove);
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
    roomToPoll().compose(v -> consumer.poll(POLL)).onComplete(ar -> {
      if (ar.succeeded()) {
        handle(ar.result());
        vertx.runOnContext(v -> loop());
      } else if (!stopped) {
        LOG.warn("poll of {} failed, retrying in {} ms: {}", topic, RETRY_DELAY_MS, ar.cause().toString());
        vertx.setTimer(RETRY_DELAY_MS, t -> loop());
      }
    });
  }

  private Future<Void> roomToPoll() {
    if (inFlight < maxInFlight) {
      return Future.succeededFuture();
    }
    room = Promise.promise();
    return room.future();
  }

  private void handle(KafkaConsumerRecords<String, String> records) {
    for (int i = 0; i < records.size(); i++) {
      KafkaConsumerRecord<String, String> r = records.recordAt(i);
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      tracker.add(tp, r.offset());
      NotificationJob job;
      try {
        job = NotificationJob.parse(r.value());
      } catch (IllegalArgumentException e) {
        // A job no code can ever handle: skipping it is the only way forward; logged with its position.
        LOG.error("skipping malformed notification job at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
            e.getMessage());
        meters.dropped("malformed");
        finished(tp, r.offset());
        continue;
      }
      inFlight++;
      coalescer.offer(job).onComplete(ar -> {
        inFlight--;
        finished(tp, r.offset());
        if (room != null && inFlight < maxInFlight) {
          Promise<Void> resume = room;
          room = null;
          resume.complete();
        }
      });
    }
  }

  private void finished(TopicPartition tp, long offset) {
    long commit = tracker.done(tp, offset);
    if (commit >= 0) {
      toCommit.put(tp, new OffsetAndMetadata(commit, ""));
      flush();
    }
  }

  /** One commit in flight at a time, each carrying the newest offsets: commits never overtake each other. */
  private void flush() {
    if (committing || toCommit.isEmpty() || stopped) {
      return;
    }
    committing = true;
    Map<TopicPartition, OffsetAndMetadata> batch = toCommit;
    toCommit = new HashMap<>();
    consumer.commit(batch).onComplete(ar -> {
      committing = false;
      if (ar.failed()) {
        // Partitions moved: the next owner replays from the last commit; duplicates collapse on the device.
        LOG.warn("offset commit failed: {}", ar.cause().toString());
      }
      flush();
    });
  }

  public int inFlight() {
    return inFlight;
  }
}
