package dev.parley.shared.discovery;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * What a gateway publishes about itself in etcd, under {@code <etcd.keyPrefix>gateways/<nodeId>}, attached to
 * its lease: where clients connect, its region, declared capacity and live load.
 */
public record GatewayRecord(String nodeId, String url, String region, int capacity, int connections,
                            long eventLoopLagMs, boolean draining, long updatedAtMs) {

  /** Free capacity in connections (never negative). */
  public int free() {
    return Math.max(0, capacity - connections);
  }

  public GatewayRecord withLoad(int connections, long eventLoopLagMs, long nowMs) {
    return new GatewayRecord(nodeId, url, region, capacity, connections, eventLoopLagMs, draining, nowMs);
  }

  public GatewayRecord asDraining(long nowMs) {
    return new GatewayRecord(nodeId, url, region, capacity, connections, eventLoopLagMs, true, nowMs);
  }

  public JsonObject toJson() {
    return new JsonObject().put("nodeId", nodeId).put("url", url).put("region", region).put("capacity", capacity)
        .put("connections", connections).put("eventLoopLagMs", eventLoopLagMs).put("draining", draining)
        .put("updatedAtMs", updatedAtMs);
  }

  /** Parses a value read from etcd; anything malformed is refused (a bad entry must not break picking). */
  public static GatewayRecord fromJson(String text) {
    try {
      JsonObject json = new JsonObject(text);
      String nodeId = json.getString("nodeId");
      String url = json.getString("url");
      Integer capacity = json.getInteger("capacity");
      if (nodeId == null || url == null || !url.matches("wss?://\\S+") || capacity == null || capacity < 0) {
        throw new IllegalArgumentException("gateway record lacks nodeId, a ws(s) url or a capacity: " + text);
      }
      return new GatewayRecord(nodeId, url, json.getString("region", ""), capacity,
          Math.max(0, json.getInteger("connections", 0)), json.getLong("eventLoopLagMs", 0L),
          json.getBoolean("draining", false), json.getLong("updatedAtMs", 0L));
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("gateway record is not valid JSON: " + e.getMessage(), e);
    }
  }

  public static String key(String prefix, String nodeId) {
    return keyPrefix(prefix) + nodeId;
  }

  public static String keyPrefix(String prefix) {
    return prefix + "gateways/";
  }
}
