package dev.parley.shared.presence;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The gateway's side of presence: collects session events and sends them to the presence role in batches,
 * so a gateway with 100k sockets sends a few messages per second instead of one per heartbeat. Within a
 * batch only the last event of a device counts (a beat after a close means it reconnected). Used on the
 * gateway verticle's event loop only.
 */
public final class PresenceReporter {
  private final Vertx vertx;
  private final String gatewayNodeId;
  private final long flushMs;
  private final Map<String, JsonObject> pending = new LinkedHashMap<>();
  private long timer = -1;

  public PresenceReporter(Vertx vertx, String gatewayNodeId, long flushMs) {
    this.vertx = vertx;
    this.gatewayNodeId = gatewayNodeId;
    this.flushMs = flushMs;
  }

  public void start() {
    timer = vertx.setPeriodic(flushMs, id -> flush());
  }

  public void stop() {
    vertx.cancelTimer(timer);
    flush();
  }

  /** A device connected or sent a heartbeat. */
  public void beat(UUID userId, UUID deviceId) {
    record(userId, deviceId, "beat");
  }

  /** The device's socket closed (it stays online for the grace period unless it comes back). */
  public void closed(UUID userId, UUID deviceId) {
    record(userId, deviceId, "closed");
  }

  /** The device logged out: offline at once. */
  public void loggedOut(UUID userId, UUID deviceId) {
    record(userId, deviceId, "logout");
  }

  private void record(UUID userId, UUID deviceId, String type) {
    String key = deviceId.toString();
    pending.remove(key);
    pending.put(key, new JsonObject().put("u", userId.toString()).put("d", key).put("t", type));
  }

  /** Sends what is pending now (also called on the timer). */
  public void flush() {
    if (pending.isEmpty()) {
      return;
    }
    JsonArray events = new JsonArray();
    pending.values().forEach(events::add);
    pending.clear();
    vertx.eventBus().send(PresenceAddresses.EVENTS, new JsonObject().put("gateway", gatewayNodeId).put("events", events));
  }
}
