package dev.parley.message.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Meters of {@link Delivery} (served on the node's ops port at {@code /metrics}): channel batches delivered and,
 * for them, the member and session look-ups and the event-bus sends to gateways. Divided by the batches they give
 * the per-batch cost: one member look-up, one session look-up, one send per gateway holding a recipient.
 */
public final class DeliveryMeters {
  private final Counter batches;
  private final Counter memberLookups;
  private final Counter sessionLookups;
  private final Counter sends;
  private final Counter chatRepairs;

  public DeliveryMeters(MeterRegistry registry) {
    batches = Counter.builder("parley.delivery.batches")
        .description("channel batches delivered (one channel's stored sends of one poll)").register(registry);
    memberLookups = Counter.builder("parley.delivery.lookups").tag("kind", "members")
        .description("member look-ups (cached directory) of delivered channel batches").register(registry);
    sessionLookups = Counter.builder("parley.delivery.lookups").tag("kind", "sessions")
        .description("session-directory look-ups (one MGET) of delivered channel batches").register(registry);
    sends = Counter.builder("parley.delivery.sends")
        .description("event-bus sends to gateway nodes (each carries every frame for that gateway)")
        .register(registry);
    chatRepairs = Counter.builder("parley.delivery.chat.repairs")
        .description("attempts to run a batch's failed chat steps (head, index, views) again").register(registry);
  }

  void batch() {
    batches.increment();
  }

  void memberLookup() {
    memberLookups.increment();
  }

  void sessionLookup() {
    sessionLookups.increment();
  }

  void chatRepair() {
    chatRepairs.increment();
  }

  void sends(int gateways) {
    sends.increment(gateways);
  }
}
