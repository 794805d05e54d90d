package dev.parley.node;

import dev.parley.api.ApiVerticle;
import dev.parley.discovery.DiscoveryVerticle;
import dev.parley.gateway.GatewayVerticle;
import dev.parley.message.MessageVerticle;
import dev.parley.presence.PresenceVerticle;
import dev.parley.push.PushVerticle;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.config.Role;
import dev.parley.shared.deps.DependencyClients;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Deploys the verticles of a node's roles: the one place that knows every role's verticle and hands each the
 * node's clients, its one {@link Clock} and its one {@link MeterRegistry}.
 */
final class RoleDeployer {
  private static final Logger LOG = LoggerFactory.getLogger(RoleDeployer.class);

  private final ParleyConfig config;
  private final DependencyClients clients;
  private final Clock clock;
  private final MeterRegistry meters;

  RoleDeployer(ParleyConfig config, DependencyClients clients, Clock clock, MeterRegistry meters) {
    this.config = config;
    this.clients = clients;
    this.clock = clock;
    this.meters = meters;
  }

  Future<Void> deploy(Vertx vertx) {
    List<Future<String>> deployments = new ArrayList<>();
    for (Role role : config.node().roles()) {
      deployments.add(vertx.deployVerticle(verticleOf(role))
          .onFailure(err -> LOG.error("role {} failed to deploy: {}", role.wireName(), err.getMessage())));
    }
    return Future.all(deployments).mapEmpty();
  }

  private Deployable verticleOf(Role role) {
    return switch (role) {
      case GATEWAY -> new GatewayVerticle(config, clients, clock);
      case MESSAGE -> new MessageVerticle(config, clients, clock, meters);
      case DISCOVERY -> new DiscoveryVerticle(config, clients);
      case PRESENCE -> new PresenceVerticle(config, clients, clock);
      case API -> new ApiVerticle(config, clients, clock, meters);
      case PUSH -> new PushVerticle(config, clients, clock, meters);
    };
  }
}
