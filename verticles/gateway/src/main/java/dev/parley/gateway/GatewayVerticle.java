package dev.parley.gateway;

import dev.parley.chatstate.ChatStateService;
import dev.parley.chatstate.ChatStore;
import dev.parley.chatstate.LiveFrames;
import dev.parley.shared.Refusal;

import dev.parley.shared.auth.AccessClaims;
import dev.parley.shared.auth.AccessTokens;
import dev.parley.shared.auth.JwtKeys;
import dev.parley.shared.auth.RevokedDevices;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.DependencyClients;
import dev.parley.shared.deps.KafkaClientConfig;
import dev.parley.shared.membership.Memberships;
import java.util.concurrent.TimeUnit;
import dev.parley.shared.session.SessionDirectory;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.kafka.client.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/**
 * The gateway role: the WebSocket endpoint {@code /ws} (docs/protocol.md). Authenticates upgrades, keeps one
 * session per device, hands frames to {@link FrameHandler} and delivers what message nodes send to this node.
 * Wiring only.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  public static final String PATH = "/ws";

  private final ParleyConfig config;
  private final DependencyClients clients;
  /** The one clock of this role's object graph: every class below gets it (or its millis) injected. */
  private final Clock clock;
  private KafkaProducer<String, String> producer;
  private SessionTable sessions;
  private FrameHandler frames;
  private WsAuthenticator authenticator;
  private TokenExpiry tokenExpiry;
  private GatewayLifecycle lifecycle;
  private PushRegistrationState pushState;
  private OriginPolicy origins;

  public GatewayVerticle(ParleyConfig config, DependencyClients clients, Clock clock) {
    this.config = config;
    this.clients = clients;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    ParleyConfig.GatewayConfig gc = config.gateway();
    String nodeId = config.node().id();
    Memberships memberships = new Memberships(clients.pg(), gc.membershipCacheSeconds() * 1_000L,
        clock::millis);
    producer = KafkaProducer.create(vertx, KafkaClientConfig.producer(config.kafka(), "parley-gateway-" + nodeId));
    PresenceFrameHandler presence = new PresenceFrameHandler(vertx.eventBus());
    sessions = new SessionTable(vertx, new SessionDirectory(clients.redis()), nodeId, gc.sessionTtlSeconds(),
        presence::reassert);
    lifecycle = new GatewayLifecycle(vertx, config, clients.etcd(), sessions, clock);
    pushState = new PushRegistrationState(clients.pg(), config.node().dependencyTimeoutMs());
    tokenExpiry = new TokenExpiry(vertx, token -> authenticator.verify(token), clock::millis,
        config.auth().clockSkewSeconds());
    frames = new FrameHandler(memberships, producer, config.kafka().messagesTopic(), nodeId, gc.maxPayloadBytes(),
        clock::millis, new ChatFrameHandler(new ChatStateService(ChatStore.on(vertx, clients.redis(), clients.pg()), memberships,
            new LiveFrames(vertx.eventBus(), new SessionDirectory(clients.redis())),
            config.chats().receiptsMaxGroupSize()), config.chats(), clock::millis),
        presence, tokenExpiry, new SendFrames.CommitLimits(config.mls().maxCommitBytes(),
            config.mls().maxWelcomeBytes(), config.mls().maxGroupInfoBytes(), config.mls().maxRatchetTreeBytes()));
    origins = OriginPolicy.of(config.edge());
    HttpServerOptions options = FrameLimit.apply(new HttpServerOptions().setHost(gc.host()).setPort(gc.port())
        .setIdleTimeout(gc.idleTimeoutSeconds()), gc.maxFrameBytes());
    return JwtKeys.load(vertx, config.auth().keysDir(), "", false)
        .map(keys -> authenticator = new WsAuthenticator(new AccessTokens(vertx, keys, config.auth().issuer(),
            config.auth().audience(), config.auth().accessTokenTtlSeconds(), config.auth().clockSkewSeconds(),
            clock),
            new RevokedDevices(clients.redis(), clients.pg(), vertx.eventBus(),
                config.auth().accessTokenTtlSeconds(), clock)))
        .compose(a -> memberships.listen(vertx))
        .compose(v -> sessions.start())
        .compose(v -> server(options).listen())
        .compose(server -> lifecycle.start().map(server))
        .onSuccess(server -> LOG.info("gateway {} listening for WebSockets on {}:{}{}", nodeId, gc.host(),
            server.actualPort(), PATH));
  }

  private HttpServer server(HttpServerOptions options) {
    return vertx.createHttpServer(options)
        .webSocketHandshakeHandler(this::handshake)
        .webSocketHandler(ws -> { })
        .requestHandler(req -> req.response().setStatusCode(404).end());
  }

  /** Refused upgrades answer the refusal's HTTP status without a body (docs/protocol.md, "Connecting"). */
  private void handshake(ServerWebSocketHandshake hs) {
    if (!PATH.equals(hs.path())) {
      hs.reject(404);
      return;
    }
    Refusal badOrigin = origins.check(hs.headers().get("Origin"));
    if (badOrigin != null) {
      LOG.debug("upgrade from {} refused: {} (Origin {})", hs.remoteAddress(), badOrigin.getMessage(),
          hs.headers().get("Origin"));
      hs.reject(badOrigin.code().httpStatus());
      return;
    }
    // A stalled check (a dependency not answering) must not hold the half-open upgrade: 503 after the deadline.
    authenticator.authenticate(hs)
        .timeout(config.edge().handshakeTimeoutSeconds(), TimeUnit.SECONDS)
        .onSuccess(claims -> hs.accept().onSuccess(ws -> attach(ws, claims)))
        .onFailure(err -> {
          int status = err instanceof Refusal r ? r.code().httpStatus() : 503;
          LOG.debug("upgrade from {} refused ({}): {}", hs.remoteAddress(), status, err.getMessage());
          hs.reject(status);
        });
  }

  private void attach(ServerWebSocket ws, AccessClaims claims) {
    ParleyConfig.GatewayConfig gc = config.gateway();
    ws.setWriteQueueMaxSize(gc.outboundQueueBytes());
    Session session = new Session(claims.userId(), claims.deviceId(), ws,
        new TokenBucket(gc.sendRatePerSecond(), gc.sendBurst(), clock.millis()));
    // Any frame proves the device is alive; the reporter keeps one event per device per flush.
    ws.textMessageHandler(text -> {
      lifecycle.presence().beat(claims.userId(), claims.deviceId());
      frames.onText(session, text);
    });
    ws.binaryMessageHandler(bytes -> frames.onBinary(session));
    FrameLimit.closeWhenExceeded(ws, claims.deviceId());
    tokenExpiry.arm(session, claims);
    ws.closeHandler(v -> {
      tokenExpiry.disarm(session);
      sessions.closed(session);
      lifecycle.presence().closed(claims.userId(), claims.deviceId());
    });
    // The push registration lookup (PostgreSQL) runs alongside the session registration (Redis); it never fails.
    Future<String> push = pushState.of(claims.deviceId());
    sessions.open(session)
        .onFailure(err -> LOG.warn("device {}: session registry write failed: {}", claims.deviceId(), err.toString()))
        .transform(ar -> push)
        .onComplete(ar -> {
          lifecycle.presence().beat(claims.userId(), claims.deviceId());
          session.write(frames.ready(session, config.presence().heartbeatIntervalSeconds() * 1_000L,
              ar.succeeded() ? ar.result() : null));
        });
  }

  @Override
  public Future<?> stop() {
    if (sessions != null) {
      sessions.closeAll();
    }
    Future<Void> deregistered = lifecycle == null ? Future.succeededFuture() : lifecycle.stop();
    return deregistered.compose(v -> producer == null ? Future.succeededFuture() : producer.close());
  }
}
