package dev.parley.discovery;

import dev.parley.shared.discovery.GatewayRecord;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses a gateway for a client. The criteria, in order:
 * <ol>
 *   <li>only healthy gateways: not draining, free capacity left, event-loop lag under {@code maxLagMs};</li>
 *   <li>the device's previous gateway when it is still healthy, so a reconnect lands on the node it left;</li>
 *   <li>gateways in the client's region when any is healthy, otherwise all;</li>
 *   <li>among those, smooth weighted round-robin with weight = free capacity, so assignments spread in
 *       proportion to free capacity, deterministically (no random clustering), even between load refreshes.</li>
 * </ol>
 * Not thread-safe: one instance per verticle, used on its event loop.
 */
final class GatewayPicker {
  private final long maxLagMs;
  /** Smooth weighted round-robin state: the current weight of each gateway. */
  private final Map<String, Long> current = new HashMap<>();

  GatewayPicker(long maxLagMs) {
    this.maxLagMs = maxLagMs;
  }

  Optional<GatewayRecord> pick(Collection<GatewayRecord> view, String region, String previousNodeId) {
    List<GatewayRecord> healthy = view.stream().filter(this::healthy).toList();
    if (healthy.isEmpty()) {
      return Optional.empty();
    }
    if (previousNodeId != null && !previousNodeId.isEmpty()) {
      Optional<GatewayRecord> previous = healthy.stream().filter(g -> g.nodeId().equals(previousNodeId)).findFirst();
      if (previous.isPresent()) {
        return previous;
      }
    }
    List<GatewayRecord> local = region == null || region.isEmpty() ? List.of()
        : healthy.stream().filter(g -> g.region().equals(region)).toList();
    return Optional.of(weightedRoundRobin(local.isEmpty() ? healthy : local));
  }

  private boolean healthy(GatewayRecord g) {
    return !g.draining() && g.free() > 0 && g.eventLoopLagMs() < maxLagMs;
  }

  private GatewayRecord weightedRoundRobin(List<GatewayRecord> candidates) {
    long total = 0;
    GatewayRecord best = null;
    long bestWeight = Long.MIN_VALUE;
    for (GatewayRecord g : candidates) {
      long weight = g.free();
      total += weight;
      long now = current.merge(g.nodeId(), weight, Long::sum);
      // Ties go to the lexically smaller node id, so the order is reproducible.
      if (now > bestWeight || (now == bestWeight && g.nodeId().compareTo(best.nodeId()) < 0)) {
        bestWeight = now;
        best = g;
      }
    }
    current.merge(best.nodeId(), -total, Long::sum);
    return best;
  }

  /** Drops the state of gateways that left the view. */
  void retain(Collection<String> liveNodeIds) {
    current.keySet().retainAll(liveNodeIds);
  }
}
