package dev.parley.push;

import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter (a uniformly random delay up to base x 2^attempt, capped): retries of many
 * publishes throttled at the same moment spread out instead of arriving together again.
 */
public final class Backoff {
  private final long baseMs;
  private final long maxMs;
  private final DoubleSupplier random;

  /** @param random uniform in [0, 1) */
  public Backoff(long baseMs, long maxMs, DoubleSupplier random) {
    this.baseMs = baseMs;
    this.maxMs = maxMs;
    this.random = random;
  }

  /** The delay before retry number {@code attempt} (1 = first retry), at least 1 ms. */
  public long delayMs(int attempt) {
    long ceiling = Math.min(maxMs, baseMs << Math.min(attempt - 1, 30));
    return Math.max(1, (long) (random.getAsDouble() * ceiling));
  }
}
