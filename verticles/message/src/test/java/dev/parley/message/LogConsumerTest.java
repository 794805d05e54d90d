package dev.parley.message;

import dev.parley.message.delivery.Delivery;
import dev.parley.message.delivery.DeliveryMeters;
import dev.parley.protocol.ChainHash;
import dev.parley.protocol.Envelope;
import dev.parley.protocol.SendRecord;
import dev.parley.shared.ids.MsgIdGenerator;
import dev.parley.shared.membership.Memberships.MemberDevice;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.consumer.impl.KafkaConsumerRecordsImpl;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The consumer loop against a scripted log and in-memory storage: offsets are committed in batch order. */
class LogConsumerTest {
  static final String TOPIC = "parley.messages";
  static final UUID CHANNEL_A = new UUID(0, 0xA);
  static final UUID CHANNEL_B = new UUID(0, 0xB);

  final Vertx vertx = Vertx.vertx();
  final ConcurrentLinkedQueue<KafkaConsumerRecords<String, String>> polls = new ConcurrentLinkedQueue<>();
  final List<Long> commits = new CopyOnWriteArrayList<>();
  final Map<UUID, Promise<List<MemberDevice>>> memberLookups = new HashMap<>();

  @AfterEach
  void tearDown() {
    vertx.close();
  }

  @Test
  @DisplayName("a later batch whose delivery finishes first is committed only after the earlier batch, in order")
  void commitsInBatchOrder() throws Exception {
    polls.add(records(0, CHANNEL_A));
    polls.add(records(1, CHANNEL_B));
    onContext(() -> consumer().start());
    // Both batches are stored and wait in delivery (their member look-ups) before anything is committed.
    await(() -> memberLookups.size() == 2);

    List<Long> afterLaterBatch = onContext(() -> {
      memberLookups.get(CHANNEL_B).complete(List.of());
      return List.copyOf(commits);
    });
    assertThat(afterLaterBatch).as("the later batch must not commit past the earlier one").isEmpty();

    onContext(() -> {
      memberLookups.get(CHANNEL_A).complete(List.of());
      return null;
    });
    await(() -> commits.size() == 2);
    assertThat(commits).containsExactly(1L, 2L);
  }

  private LogConsumer consumer() {
    Clock clock = Clock.systemUTC();
    Sequencer sequencer = new Sequencer(new ChannelsInMemory(), new MsgIdGenerator(1, clock), clock);
    Delivery delivery = new Delivery(channel -> memberLookups.computeIfAbsent(channel, c -> Promise.promise()).future(),
        devices -> Future.succeededFuture(Map.of()), new NoChats(), (node, d) -> { },
        (env, user, device) -> Future.succeededFuture(), new DeliveryMeters(new SimpleMeterRegistry()),
        delayMs -> vertx.timer(delayMs).mapEmpty());
    return new LogConsumer(vertx, scriptedLog(), sequencer, delivery, TOPIC,
        new MessageMeters(new SimpleMeterRegistry()));
  }

  /** A KafkaConsumer that answers polls from {@link #polls} (empty polls after a short wait) and records commits. */
  @SuppressWarnings("unchecked")
  private KafkaConsumer<String, String> scriptedLog() {
    return (KafkaConsumer<String, String>) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {KafkaConsumer.class}, (proxy, method, args) -> switch (method.getName()) {
          case "partitionsAssignedHandler", "partitionsRevokedHandler" -> proxy;
          case "subscribe", "seek", "close" -> Future.succeededFuture();
          case "poll" -> {
            KafkaConsumerRecords<String, String> next = polls.poll();
            if (next != null) {
              yield Future.succeededFuture(next);
            }
            Promise<KafkaConsumerRecords<String, String>> empty = Promise.promise();
            vertx.setTimer(20, t -> empty.complete(new KafkaConsumerRecordsImpl<>(ConsumerRecords.empty())));
            yield empty.future();
          }
          case "commit" -> {
            Map<TopicPartition, OffsetAndMetadata> offsets = (Map<TopicPartition, OffsetAndMetadata>) args[0];
            commits.add(offsets.get(new TopicPartition(TOPIC, 0)).getOffset());
            yield Future.succeededFuture(offsets);
          }
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  private static KafkaConsumerRecords<String, String> records(long offset, UUID channel) {
    SendRecord send = new SendRecord(channel, new UUID(0, 1), new UUID(0, 2), "c-" + offset, "application",
        new byte[] {1}, "g1", 0);
    ConsumerRecord<String, String> r = new ConsumerRecord<>(TOPIC, 0, offset, channel.toString(),
        send.toJson().encode());
    org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition(TOPIC, 0);
    return new KafkaConsumerRecordsImpl<>(new ConsumerRecords<>(Map.of(tp, List.of(r)), Map.of()));
  }

  private <T> T onContext(java.util.concurrent.Callable<T> task) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      try {
        done.complete(task.call());
      } catch (Exception e) {
        done.completeExceptionally(e);
      }
    });
    return done.get(5, TimeUnit.SECONDS);
  }

  private void await(java.util.function.BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!onContext(condition::getAsBoolean)) {
      assertThat(System.nanoTime()).as("condition not met within 5 s").isLessThan(deadline);
      onContext(() -> null);
    }
  }

  /** Sequencer storage for several channels, without dedup (every send here is new). */
  static final class ChannelsInMemory implements SequencerStore {
    final Map<UUID, TreeMap<Long, Envelope>> rows = new HashMap<>();

    @Override
    public int bucketOf(long seq) {
      return 0;
    }

    @Override
    public Future<Boolean> insertIfAbsent(List<Envelope> samePartition) {
      TreeMap<Long, Envelope> channel = rows.computeIfAbsent(samePartition.get(0).channelId(), c -> new TreeMap<>());
      samePartition.forEach(e -> channel.put(e.seq(), e));
      return Future.succeededFuture(true);
    }

    @Override
    public Future<Void> writeDedup(List<Envelope> stored) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> advanceHead(Envelope last, long epochAfter) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Long> findDuplicate(UUID channelId, UUID device, String clientMsgId) {
      return Future.succeededFuture(null);
    }

    @Override
    public Future<Envelope> read(UUID channelId, long seq) {
      return Future.succeededFuture(rows.getOrDefault(channelId, new TreeMap<>()).get(seq));
    }

    @Override
    public Future<MessageStore.Head> loadHead(UUID channelId) {
      TreeMap<Long, Envelope> channel = rows.getOrDefault(channelId, new TreeMap<>());
      return Future.succeededFuture(channel.isEmpty() ? new MessageStore.Head(0, ChainHash.genesis())
          : new MessageStore.Head(channel.lastKey(), channel.lastEntry().getValue().hash()));
    }
  }

  /** Chat state that accepts everything and has no views. */
  static final class NoChats implements dev.parley.message.delivery.ChatState {
    @Override
    public Future<Void> advanceHead(Envelope newest) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> index(UUID channelId, java.util.Collection<UUID> users, long ts, Map<UUID, Long> readUpTo) {
      return Future.succeededFuture();
    }

    @Override
    public Future<Map<UUID, io.vertx.core.json.JsonObject>> views(Envelope newest, java.util.Collection<UUID> users) {
      return Future.succeededFuture(Collections.emptyMap());
    }

    @Override
    public Future<java.util.Set<UUID>> muted(UUID channelId, java.util.Collection<UUID> users) {
      return Future.succeededFuture(java.util.Set.of());
    }
  }
}
