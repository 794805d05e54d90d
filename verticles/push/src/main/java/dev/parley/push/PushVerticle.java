package dev.parley.push;

import dev.parley.chatstate.ChatStore;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.DependencyClients;
import dev.parley.shared.deps.KafkaClientConfig;
import dev.parley.shared.push.SnsClients;
import dev.parley.shared.session.SessionDirectory;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sns.SnsAsyncClient;

import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * The push role: consumes notification jobs and publishes content-free pushes through AWS SNS (docs/push.md).
 * Wiring only; the steps live in {@link NotificationConsumer}, {@link Coalescer}, {@link PushPipeline} and
 * {@link SnsPushSender}.
 */
public final class PushVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PushVerticle.class);
  /** Unfinished jobs (including those folded into an open window) per poll size before polling pauses. */
  private static final int IN_FLIGHT_PER_POLL = 20;

  private final ParleyConfig config;
  private final DependencyClients clients;
  private final Clock clock;
  private final MeterRegistry meterRegistry;
  private SnsAsyncClient sns;
  private NotificationConsumer consumer;

  public PushVerticle(ParleyConfig config, DependencyClients clients, Clock clock, MeterRegistry meterRegistry) {
    this.config = config;
    this.clients = clients;
    this.clock = clock;
    this.meterRegistry = meterRegistry;
  }

  @Override
  public Future<?> start() {
    ParleyConfig.PushConfig push = config.push();
    // Building the SDK client loads its endpoint rules and starts its I/O threads: off the event loop.
    return vertx.executeBlocking(() -> SnsClients.create(push)).compose(client -> {
      sns = client;
      PushMeters meters = new PushMeters(meterRegistry);
      Backoff backoff = new Backoff(push.backoffBaseMs(), push.backoffMaxMs(), () -> ThreadLocalRandom.current().nextDouble());
      SenderNames names = new SenderNames(clients.pg());
      Function<UUID, Future<String>> senderNames = push.showSenderName() ? names::of
          : id -> Future.succeededFuture(null);
      PushPipeline pipeline = new PushPipeline(vertx, new EndpointDirectory(clients.pg(), clock),
          new RedisRecipientState(new SessionDirectory(clients.redis()), ChatStore.on(vertx, clients.redis(), clients.pg()).snapshots()), senderNames,
          new PushPayloads(push.neutralText()), new SnsPushSender(vertx, sns, backoff, push.maxAttempts(), meters),
          new PublishLimiter(push.maxConcurrentPublishes()), backoff, push.maxAttempts(), meters, clock);
      Coalescer coalescer = new Coalescer(vertx, pipeline, push.coalesceWindowMs(), meters);
      String clientId = "parley-push-" + config.node().id();
      KafkaConsumer<String, String> kafka = KafkaConsumer.create(vertx, KafkaClientConfig.consumer(config.kafka(),
          push.consumerGroup(), clientId, push.maxPollRecords()));
      consumer = new NotificationConsumer(vertx, kafka, config.kafka().notificationsTopic(), coalescer, meters,
          push.maxPollRecords() * IN_FLIGHT_PER_POLL);
      return consumer.start();
    }).onSuccess(v -> LOG.info("push role up: consuming {} as group {}, SNS {} ({}), window {} ms, {} publishes in flight",
        config.kafka().notificationsTopic(), push.consumerGroup(),
        push.endpointOverride().isEmpty() ? "AWS" : push.endpointOverride(), push.region(), push.coalesceWindowMs(),
        push.maxConcurrentPublishes()));
  }

  @Override
  public Future<?> stop() {
    Future<Void> stopped = consumer == null ? Future.succeededFuture() : consumer.stop();
    return stopped.eventually(() -> sns == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      sns.close();
      return null;
    }));
  }
}
