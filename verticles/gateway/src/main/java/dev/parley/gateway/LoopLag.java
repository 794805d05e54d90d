package dev.parley.gateway;

import io.vertx.core.Vertx;

/**
 * Event-loop lag of this verticle's loop: how late a periodic timer fires compared to its schedule. A loaded or
 * blocked loop shows up here first; discovery stops assigning a gateway whose lag is too high.
 */
final class LoopLag {
  private static final long PERIOD_MS = 500;

  private final Vertx vertx;
  private long timer = -1;
  private long expectedAt;
  private volatile long lagMs;

  LoopLag(Vertx vertx) {
    this.vertx = vertx;
  }

  void start() {
    expectedAt = System.nanoTime() + PERIOD_MS * 1_000_000;
    timer = vertx.setPeriodic(PERIOD_MS, id -> {
      long now = System.nanoTime();
      lagMs = Math.max(0, (now - expectedAt) / 1_000_000);
      expectedAt = now + PERIOD_MS * 1_000_000;
    });
  }

  void stop() {
    vertx.cancelTimer(timer);
  }

  long lagMs() {
    return lagMs;
  }
}
