package dev.parley.gateway;

import dev.parley.shared.Addresses;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.discovery.GatewayRecord;
import dev.parley.shared.discovery.GatewayRegistration;
import dev.parley.shared.presence.PresenceReporter;
import io.etcd.jetcd.Client;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/**
 * What a gateway does beyond its sockets: registers itself for discovery (etcd lease, live load), reports
 * session events to presence, and drains on an operator's request. A gateway starts even when etcd is down;
 * its registration then retries until etcd answers.
 */
final class GatewayLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayLifecycle.class);

  private final Vertx vertx;
  private final String nodeId;
  private final SessionTable sessions;
  private final GatewayRegistration registration;
  private final PresenceReporter presence;
  private final LoopLag lag;

  GatewayLifecycle(Vertx vertx, ParleyConfig config, Client etcd, SessionTable sessions, Clock clock) {
    this.vertx = vertx;
    this.nodeId = config.node().id();
    this.sessions = sessions;
    this.lag = new LoopLag(vertx);
    ParleyConfig.DiscoveryConfig d = config.discovery();
    GatewayRecord record = new GatewayRecord(nodeId, config.gateway().publicUrl(), config.node().region(),
        d.gatewayCapacity(), 0, 0, false, clock.millis());
    this.registration = new GatewayRegistration(vertx, etcd, config.etcd().keyPrefix(), record, d.leaseTtlSeconds(),
        d.refreshMs(), () -> new GatewayRegistration.Load(sessions.size(), lag.lagMs()), clock);
    this.presence = new PresenceReporter(vertx, nodeId, config.presence().reportFlushMs());
  }

  PresenceReporter presence() {
    return presence;
  }

  Future<Void> start() {
    lag.start();
    presence.start();
    registration.start().onFailure(err -> LOG.warn("gateway {}: not registered for discovery yet ({}); retrying",
        nodeId, err.getMessage()));
    return vertx.eventBus().<JsonObject>consumer(Addresses.gatewayDrain(nodeId), m -> drain()
            .onSuccess(closed -> m.reply(new JsonObject().put("nodeId", nodeId).put("closedSessions", closed)))
            .onFailure(err -> m.fail(500, err.getMessage())))
        .completion();
  }

  /**
   * Drains: discovery stops assigning this node at once, then every client is told to reconnect elsewhere
   * ({@code reconnect} frame) and its socket closed with {@link SessionTable#CLOSE_DRAINING}. Unacknowledged
   * sends are resent by clients after reconnecting (same clientMsgId), so nothing is lost.
   */
  Future<Integer> drain() {
    LOG.info("gateway {}: draining {} sessions", nodeId, sessions.size());
    return registration.drain()
        .recover(err -> {
          LOG.warn("gateway {}: could not mark itself draining in etcd ({}); closing sessions anyway", nodeId,
              err.getMessage());
          return Future.succeededFuture();
        })
        .map(v -> sessions.drainAll());
  }

  Future<Void> stop() {
    lag.stop();
    presence.stop();
    return registration.deregister().recover(err -> Future.succeededFuture());
  }
}
