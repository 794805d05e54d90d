package dev.parley.discovery;

import dev.parley.proto.discovery.v1.DiscoveryGrpcService;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.DependencyClients;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code discovery} role: keeps the live gateway view from etcd and serves the gRPC {@code Discovery} API.
 * Starts even when etcd is down (the view is then empty and stale, and fills as soon as etcd answers).
 */
public final class DiscoveryVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DiscoveryVerticle.class);

  private final ParleyConfig config;
  private final DependencyClients clients;
  private GatewayView view;
  private HttpServer server;

  public DiscoveryVerticle(ParleyConfig config, DependencyClients clients) {
    this.config = config;
    this.clients = clients;
  }

  @Override
  public Future<?> start() {
    ParleyConfig.DiscoveryConfig d = config.discovery();
    view = new GatewayView(vertx, clients.etcd(), config.etcd().keyPrefix());
    view.start().onFailure(err -> LOG.warn("etcd not reachable at start ({}); discovery starts with an empty view",
        err.getMessage()));
    GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions().setScheduleDeadlineAutomatically(true))
        .addService(DiscoveryGrpcService.of(new DiscoveryApi(view, new GatewayPicker(d.maxEventLoopLagMs()))));
    return vertx.createHttpServer(new HttpServerOptions().setHost(d.host()))
        .requestHandler(grpc)
        .listen(d.port())
        .onSuccess(s -> {
          server = s;
          LOG.info("discovery gRPC on {}:{}", d.host(), s.actualPort());
        })
        .recover(err -> Future.failedFuture(new IllegalStateException("discovery port " + d.host() + ":" + d.port()
            + " could not be bound (set discovery.port): " + err.getMessage(), err)));
  }

  /** The bound port (useful with port 0 in tests). */
  public int port() {
    return server.actualPort();
  }

  @Override
  public Future<?> stop() {
    if (view != null) {
      view.close();
    }
    return Future.succeededFuture();
  }
}
