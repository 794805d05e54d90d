package dev.parley.message;

import dev.parley.message.delivery.ChatMembership;
import dev.parley.message.delivery.Delivery;
import dev.parley.message.delivery.DeliveryMeters;
import dev.parley.message.delivery.KafkaNotifications;
import dev.parley.message.delivery.RedisChatState;
import dev.parley.message.mls.GroupStates;
import dev.parley.message.mls.MemberKeys;
import dev.parley.message.mls.MlsGate;
import dev.parley.message.mls.RemovalNotices;
import dev.parley.chatstate.LiveFrames;
import dev.parley.mls.MlsSuite;
import dev.parley.shared.Addresses;
import dev.parley.chatstate.ChatStore;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.DependencyClients;
import dev.parley.shared.deps.KafkaClientConfig;
import dev.parley.shared.ids.MsgIdGenerator;
import dev.parley.shared.membership.Memberships;
import dev.parley.shared.session.SessionDirectory;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.concurrent.Callable;

/**
 * The message role: consumes the message log, orders and stores each send (Sequencer, MessageStore), acks and
 * delivers it (Delivery). Wiring only.
 */
public final class MessageVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MessageVerticle.class);

  private final ParleyConfig config;
  private final DependencyClients clients;
  /** The one clock of this role's object graph: every class below gets it (or its millis) injected. */
  private final Clock clock;
  private final MeterRegistry meters;
  private LogConsumer logConsumer;
  private KafkaProducer<String, String> producer;

  public MessageVerticle(ParleyConfig config, DependencyClients clients, Clock clock, MeterRegistry meters) {
    this.config = config;
    this.clients = clients;
    this.clock = clock;
    this.meters = meters;
  }

  @Override
  public Future<?> start() {
    ParleyConfig.MessageConfig mc = config.message();
    String nodeId = config.node().id();
    MessageStore store = new MessageStore(clients.cassandra(), config.cassandra().keyspace(),
        config.cassandra().messageBucketSize(), mc.dedupTtlSeconds());
    Memberships memberships = new Memberships(clients.pg(), mc.memberCacheSeconds() * 1_000L, clock::millis);
    int worker = MsgIdGenerator.workerFor(nodeId, mc.workerId());
    EventBus bus = vertx.eventBus();
    MlsGate.Blocking blocking = new MlsGate.Blocking() {
      @Override
      public <T> Future<T> run(Callable<T> task) {
        // BC's MLS suite is one shared, stateful instance: MLS work holds its lock (MlsSuite.exclusive).
        return vertx.executeBlocking(() -> MlsSuite.exclusive(task), false);
      }
    };
    GroupStates groupStates = new GroupStates(clients.pg(), clock, config.mls().keptEpochs(),
        config.mls().welcomeInboxMax());
    MemberKeys memberKeys = new MemberKeys(clients.pg());
    MlsGate.DeviceFrames liveFrames = new LiveFrames(bus, new SessionDirectory(clients.redis()))::push;
    MlsGate gate = new MlsGate(groupStates, memberKeys, ch -> memberships.devicesOf(ch).map(MlsGate::devicesOf),
        liveFrames, blocking, config.mls().required());
    RemovalNotices removalNotices = new RemovalNotices(groupStates, memberKeys, liveFrames, blocking);
    Sequencer sequencer = new Sequencer(store, new MsgIdGenerator(worker, clock), clock, gate);
    producer = KafkaProducer.create(vertx, KafkaClientConfig.producer(config.kafka(), "parley-message-" + nodeId));
    ChatStore chatStore = ChatStore.on(vertx, clients.redis(), clients.pg());
    Delivery delivery = new Delivery(memberships::devicesOf, new SessionDirectory(clients.redis())::lookup,
        new RedisChatState(chatStore), (node, frames) -> bus.send(Addresses.gatewayDeliver(node), frames.toJson()),
        new KafkaNotifications(producer, config.kafka().notificationsTopic()), new DeliveryMeters(meters),
        delayMs -> vertx.timer(delayMs).mapEmpty());
    ChatMembership chatMembership = new ChatMembership(chatStore, clock);
    KafkaConsumer<String, String> consumer = KafkaConsumer.create(vertx, KafkaClientConfig.consumer(config.kafka(),
        mc.consumerGroup(), "parley-message-" + nodeId, mc.maxPollRecords()));
    logConsumer = new LogConsumer(vertx, consumer, sequencer, delivery, config.kafka().messagesTopic(),
        new MessageMeters(meters));
    return store.prepare()
        .compose(v -> memberships.listen(vertx))
        .compose(v -> chatMembership.listen(vertx))
        .compose(v -> removalNotices.listen(bus))
        .compose(v -> logConsumer.start())
        .onSuccess(v -> LOG.info("message role up: consuming {} as group {}, msgId worker {}",
            config.kafka().messagesTopic(), mc.consumerGroup(), worker));
  }

  @Override
  public Future<?> stop() {
    Future<Void> consumerStopped = logConsumer == null ? Future.succeededFuture() : logConsumer.stop();
    return consumerStopped.eventually(() -> producer == null ? Future.succeededFuture() : producer.close());
  }
}
