package dev.parley.node;

import dev.parley.api.ApiVerticle;
import dev.parley.discovery.DiscoveryVerticle;
import dev.parley.gateway.GatewayVerticle;
import dev.parley.message.MessageVerticle;
import dev.parley.presence.PresenceVerticle;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.config.Role;
import dev.parley.shared.deps.DependencyClients;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Deploys the verticles of a node's roles. Each role's verticle module registers its factory here; a role with
 * no verticle yet only contributes its dependencies (clients and readiness) to the node.
 */
final class RoleDeployer {
  private static final Logger LOG = LoggerFactory.getLogger(RoleDeployer.class);

  /** Role to the factory of its verticle (immutable; a role without an entry has no verticle yet). */
  private static final Map<Role, BiFunction<ParleyConfig, DependencyClients, Deployable>> FACTORIES = Map.of(
      Role.GATEWAY, GatewayVerticle::new,
      Role.MESSAGE, MessageVerticle::new,
      Role.DISCOVERY, DiscoveryVerticle::new,
      Role.PRESENCE, PresenceVerticle::new,
      Role.API, ApiVerticle::new);

  private RoleDeployer() {
  }

  static Future<Void> deploy(Vertx vertx, ParleyConfig config, DependencyClients clients) {
    List<Future<String>> deployments = new ArrayList<>();
    for (Role role : config.node().roles()) {
      var factory = FACTORIES.get(role);
      if (factory == null) {
        LOG.info("role {}: no verticle in this build yet; its dependencies are connected and ready-checked", role.wireName());
        continue;
      }
      deployments.add(vertx.deployVerticle(factory.apply(config, clients))
          .onFailure(err -> LOG.error("role {} failed to deploy: {}", role.wireName(), err.getMessage())));
    }
    return Future.all(deployments).mapEmpty();
  }
}
