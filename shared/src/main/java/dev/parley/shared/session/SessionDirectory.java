package dev.parley.shared.session;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The device → gateway-node table of live sessions, in Redis: key {@code parley:session:<deviceId>}, value the
 * gateway's node id, with a TTL the gateway refreshes while the socket lives. A gateway killed with -9 stops
 * refreshing, so its entries vanish within one TTL; until then deliveries to it are lost on the event bus and the
 * devices recover from history when they reconnect.
 */
public final class SessionDirectory {
  static final String KEY_PREFIX = "parley:session:";
  /** Deletes the key only while it still names this node (a newer session elsewhere must survive). */
  private static final String DELETE_IF_OWNER =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

  private final Redis redis;

  public SessionDirectory(Redis redis) {
    this.redis = redis;
  }

  public Future<Void> register(UUID deviceId, String nodeId, int ttlSeconds) {
    return redis.send(Request.cmd(Command.SET).arg(KEY_PREFIX + deviceId).arg(nodeId).arg("EX").arg(ttlSeconds))
        .mapEmpty();
  }

  /** Re-asserts (and re-arms the TTL of) every session this node holds, in one pipelined batch. */
  public Future<Void> refresh(Collection<UUID> deviceIds, String nodeId, int ttlSeconds) {
    if (deviceIds.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Request> batch = new ArrayList<>(deviceIds.size());
    for (UUID device : deviceIds) {
      batch.add(Request.cmd(Command.SET).arg(KEY_PREFIX + device).arg(nodeId).arg("EX").arg(ttlSeconds));
    }
    return redis.batch(batch).mapEmpty();
  }

  /**
   * The Redis server's {@code run_id}, which changes whenever Redis restarts. A restarted Redis may have lost the
   * directory (or loaded an old copy from its AOF), so a gateway that sees a new run_id re-asserts its sessions at
   * once instead of waiting for the next TTL refresh.
   */
  public Future<String> serverRunId() {
    return redis.send(Request.cmd(Command.INFO).arg("server")).map(reply -> {
      for (String line : reply.toString().split("\r?\n")) {
        if (line.startsWith("run_id:")) {
          return line.substring("run_id:".length()).trim();
        }
      }
      throw new IllegalStateException("INFO server has no run_id");
    });
  }

  public Future<Void> unregister(UUID deviceId, String nodeId) {
    return redis.send(Request.cmd(Command.EVAL).arg(DELETE_IF_OWNER).arg(1).arg(KEY_PREFIX + deviceId).arg(nodeId))
        .mapEmpty();
  }

  /** The gateway node of each device that has a live session; devices without one are absent from the map. */
  public Future<Map<UUID, String>> lookup(List<UUID> deviceIds) {
    if (deviceIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    Request mget = Request.cmd(Command.MGET);
    deviceIds.forEach(d -> mget.arg(KEY_PREFIX + d));
    return redis.send(mget).map(reply -> toMap(deviceIds, reply));
  }

  private static Map<UUID, String> toMap(List<UUID> deviceIds, Response reply) {
    Map<UUID, String> out = new HashMap<>();
    for (int i = 0; i < deviceIds.size(); i++) {
      Response value = reply.get(i);
      if (value != null) {
        out.put(deviceIds.get(i), value.toString());
      }
    }
    return out;
  }
}
