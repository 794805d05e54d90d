package dev.parley.presence;

import dev.parley.shared.ErrorCode;
import dev.parley.shared.EventBusRefusals;
import dev.parley.shared.Refusal;
import dev.parley.shared.ids.Ids;
import dev.parley.proto.presence.v1.PresenceGrpcService;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.DependencyClients;
import dev.parley.shared.presence.PresenceAddresses;
import dev.parley.shared.membership.Memberships;
import dev.parley.shared.session.SessionDirectory;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.server.GrpcServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The {@code presence} role: takes gateways' session-event batches, sweeps expired devices, manages
 * subscriptions and pushes changes to subscribed devices, and answers gRPC presence queries.
 */
public final class PresenceVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PresenceVerticle.class);

  private final ParleyConfig config;
  private final DependencyClients clients;
  private final Clock clock;
  private PresenceService service;
  private HttpServer server;
  private boolean sweeping;

  public PresenceVerticle(ParleyConfig config, DependencyClients clients, Clock clock) {
    this.config = config;
    this.clients = clients;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    ParleyConfig.PresenceConfig p = config.presence();
    Subscriptions subscriptions = new RedisSubscriptions(clients.redis());
    service = new PresenceService(new RedisPresenceStore(clients.redis()), subscriptions,
        new EventBusPresenceFanout(vertx.eventBus(), subscriptions, new SessionDirectory(clients.redis())),
        (user, others) -> Memberships.sharingAChannel(clients.pg(), user, others), clock,
        p.graceMs(), p.maxSubscriptionsPerDevice());
    var bus = vertx.eventBus();
    List<Future<Void>> consumers = List.of(
        bus.<JsonObject>consumer(PresenceAddresses.EVENTS, m -> service.onEvents(m.body())
            .onFailure(err -> LOG.warn("presence batch from {} failed: {}", gateway(m), err.getMessage()))
            // Gateways send and forget; a sender that asks (a benchmark, a test) learns when the batch is applied.
            .onComplete(ar -> {
              if (m.replyAddress() != null) {
                if (ar.succeeded()) {
                  m.reply(new JsonObject());
                } else {
                  EventBusRefusals.fail(m, ar.cause(), ErrorCode.PRESENCE_UNAVAILABLE);
                }
              }
            })).completion(),
        bus.<JsonObject>consumer(PresenceAddresses.SUBSCRIBE, this::subscribe).completion(),
        bus.<JsonObject>consumer(PresenceAddresses.UNSUBSCRIBE, this::unsubscribe).completion(),
        bus.<JsonObject>consumer(PresenceAddresses.PRIVACY, this::privacy).completion());
    vertx.setPeriodic(p.sweepIntervalMs(), id -> sweep(p.sweepBatch()));
    GrpcServer grpc = GrpcServer.server(vertx).addService(PresenceGrpcService.of(new PresenceGrpcApi(service)));
    return Future.all(consumers).compose(v -> vertx.createHttpServer(new HttpServerOptions().setHost(p.host()))
            .requestHandler(grpc).listen(p.port()))
        .onSuccess(s -> {
          server = s;
          LOG.info("presence up: grace {} ms, gRPC on {}:{}", p.graceMs(), p.host(), s.actualPort());
        })
        .recover(err -> Future.failedFuture(new IllegalStateException("presence role failed to start (port "
            + p.port() + ", set presence.port): " + err.getMessage(), err)));
  }

  /** The bound gRPC port (useful with port 0 in tests). */
  public int port() {
    return server.actualPort();
  }

  private void sweep(int batch) {
    if (sweeping) {
      return;
    }
    sweeping = true;
    service.sweep(batch).onFailure(err -> LOG.warn("presence sweep failed: {}", err.getMessage()))
        .onComplete(ar -> sweeping = false);
  }

  private void subscribe(Message<JsonObject> m) {
    try {
      JsonObject b = m.body();
      service.subscribe(Ids.parse("userId", b.getValue("userId")), Ids.parse("deviceId", b.getValue("deviceId")),
              uuids(b.getValue("targets")))
          .onSuccess(m::reply)
          .onFailure(err -> EventBusRefusals.fail(m, err, ErrorCode.PRESENCE_UNAVAILABLE));
    } catch (Refusal r) {
      EventBusRefusals.fail(m, r, ErrorCode.PRESENCE_UNAVAILABLE);
    }
  }

  private void unsubscribe(Message<JsonObject> m) {
    try {
      Object targets = m.body().getValue("targets", new JsonArray());
      service.unsubscribe(Ids.parse("deviceId", m.body().getValue("deviceId")), uuids(targets))
          .onSuccess(v -> m.reply(new JsonObject()))
          .onFailure(err -> EventBusRefusals.fail(m, err, ErrorCode.PRESENCE_UNAVAILABLE));
    } catch (Refusal r) {
      EventBusRefusals.fail(m, r, ErrorCode.PRESENCE_UNAVAILABLE);
    }
  }

  private void privacy(Message<JsonObject> m) {
    try {
      if (!(m.body().getValue("hideLastSeen") instanceof Boolean hide)) {
        throw new Refusal(ErrorCode.INVALID_FIELD, "hideLastSeen", "hideLastSeen is required (true or false)");
      }
      service.setHideLastSeen(Ids.parse("userId", m.body().getValue("userId")), hide)
          .onSuccess(v -> m.reply(new JsonObject().put("hideLastSeen", hide)))
          .onFailure(err -> EventBusRefusals.fail(m, err, ErrorCode.PRESENCE_UNAVAILABLE));
    } catch (Refusal r) {
      EventBusRefusals.fail(m, r, ErrorCode.PRESENCE_UNAVAILABLE);
    }
  }

  private static List<UUID> uuids(Object targets) {
    if (!(targets instanceof JsonArray array)) {
      throw new Refusal(ErrorCode.MALFORMED_FRAME, "userIds", "targets must be an array of user ids");
    }
    List<UUID> out = new ArrayList<>(array.size());
    array.forEach(o -> out.add(Ids.parse("userIds", o)));
    return out;
  }

  private static String gateway(Message<JsonObject> m) {
    return m.body() == null ? "?" : m.body().getString("gateway");
  }
}
