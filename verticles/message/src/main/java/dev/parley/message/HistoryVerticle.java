package dev.parley.message;

import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.DependencyClients;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A REST server with only the history route, on {@code api.host} and {@code message.historyPort}, deployed by the
 * message role when that port is set (for deployments and tests without the api role; the api role mounts
 * {@link HistoryRoutes} on its own router).
 */
public final class HistoryVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HistoryVerticle.class);

  private final ParleyConfig config;
  private final DependencyClients clients;

  public HistoryVerticle(ParleyConfig config, DependencyClients clients) {
    this.config = config;
    this.clients = clients;
  }

  @Override
  public Future<?> start() {
    return HistoryServer.routes(vertx, config, clients).compose(routes -> {
      Router router = Router.router(vertx);
      routes.mount(router);
      return vertx.createHttpServer().requestHandler(router).listen(config.message().historyPort(), config.api().host());
    }).onSuccess(server -> LOG.info("history REST on {}:{}", config.api().host(), server.actualPort()));
  }
}
