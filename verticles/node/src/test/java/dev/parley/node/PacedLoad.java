package dev.parley.node;

import dev.parley.client.Ack;
import dev.parley.client.ParleyClient;
import io.vertx.core.Future;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The paced load of the failover and crash ITs: steps a fixed gap apart, so a fault injected mid-stream has sends in
 * flight before and after it. The gap shapes the load; it is never how a test waits for an outcome (those await an
 * event or a condition, bounded).
 */
final class PacedLoad {
  private PacedLoad() {
  }

  /** One step of the load, or a fault injected between two. */
  @FunctionalInterface
  interface Step {
    void run(int i) throws Exception;
  }

  /** {@code step} for i = 0..count-1, {@code gapMs} apart. */
  static void run(int count, long gapMs, Step step) throws Exception {
    for (int i = 0; i < count; i++) {
      step.run(i);
      NodeProcess.pause(gapMs);
    }
  }

  /** Sends {@code prefix + i} on {@code channel}, {@code gapMs} apart, with {@code fault} right after send {@code faultAt}. */
  static List<Future<Ack>> send(ParleyClient client, UUID channel, String prefix, int count, long gapMs, int faultAt,
                                Step fault) throws Exception {
    List<Future<Ack>> acks = new ArrayList<>();
    run(count, gapMs, i -> {
      acks.add(client.send(channel, "application", (prefix + i).getBytes(StandardCharsets.UTF_8)));
      if (i == faultAt) {
        fault.run(i);
      }
    });
    return acks;
  }
}
