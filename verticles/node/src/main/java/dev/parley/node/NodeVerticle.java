package dev.parley.node;

import dev.parley.shared.config.ConfigLoader;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.config.Role;
import dev.parley.shared.deps.DependencyClients;
import dev.parley.shared.deps.ReadinessProbe;
import dev.parley.shared.metrics.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.stream.Collectors;

/**
 * The main verticle of every node: loads the config, creates the clients of the dependencies the node's roles
 * need, serves the ops endpoints (/health, /ready, gRPC NodeOps, cluster diagnostics) and deploys the
 * verticles of its roles.
 */
public final class NodeVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(NodeVerticle.class);

  private DependencyClients clients;

  @Override
  public Future<?> start() {
    return ConfigLoader.load(vertx, config())
        .onFailure(err -> LOG.error("node start-up refused: {}", err.getMessage()))
        .compose(this::startWith);
  }

  private Future<?> startWith(ParleyConfig config) {
    // The one wall clock and the one meter registry of this process; every role gets them injected.
    Clock clock = Clock.systemUTC();
    MeterRegistry meters = Metrics.nodeRegistry();
    clients = DependencyClients.create(vertx, config, config.dependencies());
    ReadinessProbe probe = new ReadinessProbe(clients, config.node().dependencyTimeoutMs(), meters);
    OpsServer ops = new OpsServer(vertx, config, probe, clock);
    return ops.start()
        .compose(port -> new RoleDeployer(config, clients, clock, meters).deploy(vertx).map(port))
        .onSuccess(port -> LOG.info("node {} up: roles [{}], ops on {}:{}, dependencies {}", config.node().id(),
            config.node().roles().stream().map(Role::wireName).sorted().collect(Collectors.joining(",")),
            config.node().opsHost(), port, config.dependencies()));
  }

  @Override
  public Future<?> stop() {
    return clients == null ? Future.succeededFuture() : clients.close();
  }
}
