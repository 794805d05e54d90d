package dev.parley.chatstate;

import dev.parley.protocol.GatewayDelivery;
import dev.parley.shared.Addresses;
import dev.parley.shared.session.SessionDirectory;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Sends ephemeral frames to the live sockets of given devices: one session-directory lookup (MGET) for all of
 * them, then one event-bus send per gateway node holding any of them ({@code {"frames":[{frame, devices}]}}).
 * Devices without a live session are skipped: these frames are never queued nor pushed, the chat list and read
 * state over REST give the same information after a reconnect.
 */
public final class LiveFrames {
  /** One frame for a set of devices. */
  public record Part(JsonObject frame, List<UUID> devices) {
  }

  private final EventBus eventBus;
  private final SessionDirectory sessions;

  public LiveFrames(EventBus eventBus, SessionDirectory sessions) {
    this.eventBus = eventBus;
    this.sessions = sessions;
  }

  public Future<Void> push(List<Part> parts) {
    Set<UUID> all = new LinkedHashSet<>();
    parts.forEach(p -> all.addAll(p.devices()));
    if (all.isEmpty()) {
      return Future.succeededFuture();
    }
    return sessions.lookup(List.copyOf(all)).map(nodes -> {
      send(parts, nodes);
      return null;
    });
  }

  private void send(List<Part> parts, Map<UUID, String> nodes) {
    GatewayDelivery.PerNode perNode = new GatewayDelivery.PerNode();
    parts.forEach(p -> perNode.add(p.frame(), p.devices(), nodes));
    perNode.build().forEach((node, delivery) -> eventBus.send(Addresses.gatewayDeliver(node), delivery.toJson()));
  }
}
