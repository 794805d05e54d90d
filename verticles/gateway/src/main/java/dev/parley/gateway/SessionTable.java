package dev.parley.gateway;

import dev.parley.protocol.GatewayDelivery;
import dev.parley.protocol.SessionFrames;
import dev.parley.shared.Addresses;
import dev.parley.shared.session.SessionDirectory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The sessions this gateway holds, one per device: registers each in the session directory (Redis, TTL refreshed
 * while it lives), replaces an older session of the same device here or on another gateway, delivers frames that
 * message nodes send to this node, and cuts off revoked devices. Event-loop only.
 *
 * <p>Every {@link #RESTART_CHECK_MS} it asks Redis for its {@code run_id}: after a Redis restart (a new run_id, or
 * an answer after failed checks) every live session is re-registered at once, so deliveries resume within seconds
 * rather than at the next TTL refresh ({@code sessionTtlSeconds / 3}).
 */
final class SessionTable {
  private static final Logger LOG = LoggerFactory.getLogger(SessionTable.class);

  private final Vertx vertx;
  private final SessionDirectory directory;
  private final String nodeId;
  private final int ttlSeconds;
  private final Map<UUID, Session> byDevice = new HashMap<>();
  static final long RESTART_CHECK_MS = 1_000;
  private long refreshTimer = -1;
  private long restartTimer = -1;
  /** The run_id of the Redis this node registered with; null after a failed check (Redis unreachable). */
  private String redisRunId;
  private boolean checking;
  /** What else each live session keeps in Redis, asserted again after a restart (presence subscriptions). */
  private final Function<Session, Future<Void>> reassertSession;

  SessionTable(Vertx vertx, SessionDirectory directory, String nodeId, int ttlSeconds,
               Function<Session, Future<Void>> reassertSession) {
    this.vertx = vertx;
    this.directory = directory;
    this.nodeId = nodeId;
    this.ttlSeconds = ttlSeconds;
    this.reassertSession = reassertSession;
  }

  /** Subscribes to deliveries, revocations and other gateways' session openings; arms the TTL refresh. */
  Future<Void> start() {
    EventBus bus = vertx.eventBus();
    refreshTimer = vertx.setPeriodic(ttlSeconds * 1_000L / 3, t -> reassertAll());
    restartTimer = vertx.setPeriodic(RESTART_CHECK_MS, t -> checkRedisRestart());
    return Future.all(
        bus.<JsonObject>consumer(Addresses.gatewayDeliver(nodeId), m -> deliver(m.body())).completion(),
        bus.<JsonObject>consumer(Addresses.DEVICE_REVOKED, m -> revoked(m.body())).completion(),
        bus.<JsonObject>consumer(Addresses.TOKEN_REVOKED, m -> tokenRevoked(m.body())).completion(),
        bus.<JsonObject>consumer(Addresses.SESSION_OPENED, m -> openedElsewhere(m.body())).completion()).mapEmpty();
  }

  private Future<Void> reassertAll() {
    return directory.refresh(List.copyOf(byDevice.keySet()), nodeId, ttlSeconds)
        .onFailure(err -> LOG.warn("session TTL refresh failed: {}", err.toString()));
  }

  private void checkRedisRestart() {
    if (checking) {
      return;
    }
    checking = true;
    directory.serverRunId()
        .compose(runId -> {
          boolean restarted = !runId.equals(redisRunId);
          String before = redisRunId;
          redisRunId = runId;
          if (!restarted || before == null && byDevice.isEmpty()) {
            return Future.<Void>succeededFuture();
          }
          LOG.info("Redis run_id {} -> {}: re-registering {} sessions", before, runId, byDevice.size());
          // Sessions first (deliveries), then each session's presence subscriptions.
          return reassertAll().onFailure(err -> redisRunId = null)
              .onSuccess(v -> List.copyOf(byDevice.values()).forEach(reassertSession::apply));
        })
        .onFailure(err -> redisRunId = null)
        .onComplete(ar -> checking = false);
  }

  int size() {
    return byDevice.size();
  }

  Future<Void> open(Session session) {
    Session previous = byDevice.put(session.deviceId, session);
    if (previous != null) {
      previous.close(Session.CLOSE_REPLACED, "replaced by a newer session of this device");
    }
    // Published before the device's ready: membership caches that lack this device drop it (Memberships).
    vertx.eventBus().publish(Addresses.SESSION_OPENED, new JsonObject().put("deviceId", session.deviceId.toString())
        .put("userId", session.userId.toString())
        .put("nodeId", nodeId).put("sessionId", session.sessionId));
    return directory.register(session.deviceId, nodeId, ttlSeconds);
  }

  void closed(Session session) {
    session.markClosed();
    if (byDevice.get(session.deviceId) == session) {
      byDevice.remove(session.deviceId);
      directory.unregister(session.deviceId, nodeId)
          .onFailure(err -> LOG.warn("device {}: session unregister failed: {}", session.deviceId, err.toString()));
    }
  }

  /** Close code of sessions closed by a drain: the client reconnects through discovery, to another gateway. */
  static final short CLOSE_DRAINING = 4010;

  /**
   * Tells every client to reconnect elsewhere and closes its socket (drain); returns how many were closed. The
   * refresh timer keeps running for sessions that race in before discovery stops assigning this node.
   */
  int drainAll() {
    List<Session> all = List.copyOf(byDevice.values());
    JsonObject frame = SessionFrames.reconnect("draining");
    all.forEach(s -> {
      s.write(frame);
      s.close(CLOSE_DRAINING, "gateway draining: reconnect through discovery");
    });
    return all.size();
  }

  /** Closes every session (shutdown); the directory entries are removed as each socket closes. */
  void closeAll() {
    vertx.cancelTimer(refreshTimer);
    vertx.cancelTimer(restartTimer);
    List.copyOf(byDevice.values()).forEach(s -> s.close(Session.CLOSE_GOING_AWAY, "gateway shutting down"));
  }

  private void deliver(JsonObject body) {
    for (GatewayDelivery.Part part : GatewayDelivery.fromJson(body).parts()) {
      String text = part.frame().encode();
      for (UUID device : part.devices()) {
        Session s = byDevice.get(device);
        if (s != null) {
          s.writeText(text);
        }
      }
    }
  }

  private void revoked(JsonObject body) {
    Session s = byDevice.get(UUID.fromString(body.getString("deviceId")));
    if (s != null) {
      LOG.info("device {} revoked: closing its session", s.deviceId);
      s.close(Session.CLOSE_REVOKED, "device revoked");
    }
  }

  private void tokenRevoked(JsonObject body) {
    Session s = byDevice.get(UUID.fromString(body.getString("deviceId")));
    if (s != null && body.getString("jti").equals(s.tokenId)) {
      LOG.info("device {}: its access token was revoked (logout): closing its session", s.deviceId);
      s.close(Session.CLOSE_REVOKED, "access token revoked (logged out)");
    }
  }

  private void openedElsewhere(JsonObject body) {
    if (nodeId.equals(body.getString("nodeId"))) {
      return;
    }
    Session s = byDevice.get(UUID.fromString(body.getString("deviceId")));
    if (s != null) {
      s.close(Session.CLOSE_REPLACED, "replaced by a newer session of this device");
    }
  }
}
