package dev.parley.api;

import dev.parley.api.media.MediaApi;
import dev.parley.api.media.storage.MediaStorage;
import dev.parley.api.media.storage.MediaStorages;
import dev.parley.api.http.ClientAddress;
import dev.parley.api.http.InvalidRequests;
import dev.parley.api.http.SecurityHeaders;
import dev.parley.api.http.ProblemHandler;
import dev.parley.shared.auth.JwtKeys;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.DependencyClients;
import dev.parley.stores.messages.MessageReads;
import dev.parley.stores.messages.MessageTable;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/**
 * The api role: the REST API over HTTP. Thin wiring only — it loads the signing keys and the OpenAPI document,
 * prepares the history reads, builds {@link ApiComponents} and serves {@link ApiRouter}; start fails if either cannot be loaded or the port
 * cannot be bound.
 */
public final class ApiVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);

  private final ParleyConfig config;
  private final DependencyClients clients;
  private final Clock clock;
  private final MeterRegistry meters;
  private WorkerExecutor hashingPool;
  private software.amazon.awssdk.services.sns.SnsAsyncClient sns;
  private HttpServer server;
  private MediaApi media;

  public ApiVerticle(ParleyConfig config, DependencyClients clients, Clock clock, MeterRegistry meters) {
    this.config = config;
    this.clients = clients;
    this.clock = clock;
    this.meters = meters;
  }

  @Override
  public Future<?> start() {
    hashingPool = vertx.createSharedWorkerExecutor(ApiComponents.HASHING_POOL,
        config.auth().passwordHashing().threads());
    Future<JwtKeys> keys = JwtKeys.load(vertx, config.auth().keysDir(), config.auth().signingKeyId(), true);
    Future<Buffer> document = vertx.fileSystem().readFile(ApiRouter.OPENAPI_RESOURCE);
    // History reads (docs/api.md, "History"): statements prepared before the port opens.
    Future<MessageReads> messages = new MessageReads(clients.cassandra(),
        new MessageTable(config.cassandra().keyspace(), config.cassandra().messageBucketSize())).prepare();
    // Building the SDK client loads its endpoint rules and starts its own I/O threads: off the event loop.
    Future<software.amazon.awssdk.services.sns.SnsAsyncClient> snsClient =
        vertx.executeBlocking(() -> dev.parley.shared.push.SnsClients.create(config.push()));
    Future<MediaStorage> mediaStorage = MediaStorages.create(vertx, config.media());
    return Future.all(keys, document, messages, snsClient, mediaStorage)
        .compose(v -> {
          sns = snsClient.result();
          ApiComponents components = ApiComponents.create(vertx, config, clients.pg(), clients.redis(), keys.result(),
              hashingPool, meters, clock, messages.result(), sns,
              mediaStorage.result());
          media = components.media();
          Router router = ApiRouter.create(vertx, components, document.result());
          if (config.web().enabled()) {
            new dev.parley.api.web.WebApp(config.web()).mount(router);
          }
          // Edges (docs/api.md, "Edges"): before every route, errors included.
          SecurityHeaders headers = new SecurityHeaders(config.edge().hstsMaxAgeSeconds());
          router.route().order(-2).handler(headers::handle);
          router.route().order(-1).handler(new ClientAddress(config.edge().trustedProxies())::handle);
          InvalidRequests invalid = new InvalidRequests(new ProblemHandler(meters));
          return vertx.createHttpServer(new HttpServerOptions().setIdleTimeout(config.edge().apiIdleTimeoutSeconds()))
              .invalidRequestHandler(req -> {
                headers.apply(req.response().headers());
                invalid.handle(req);
              })
              .requestHandler(router)
              .listen(config.api().port(), config.api().host());
        })
        .onSuccess(s -> media.sweeper().start())
        .onSuccess(s -> {
          server = s;
          LOG.info("api listening on {}:{} (signing key {}, argon2id m={} KiB t={} p={})", config.api().host(),
              s.actualPort(), keys.result().signingKeyId(), config.auth().passwordHashing().memoryKib(),
              config.auth().passwordHashing().iterations(), config.auth().passwordHashing().parallelism());
        });
  }

  /** The bound port (useful with port 0 in tests and benchmarks); -1 before start. */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  @Override
  public Future<?> stop() {
    if (sns != null) {
      // close() waits for the SDK's I/O threads to stop: not on the event loop.
      vertx.executeBlocking(() -> {
        sns.close();
        return null;
      });
    }
    Future<Void> closedMedia = media == null ? Future.succeededFuture() : media.close();
    return hashingPool == null ? closedMedia : Future.all(closedMedia, hashingPool.close());
  }
}
