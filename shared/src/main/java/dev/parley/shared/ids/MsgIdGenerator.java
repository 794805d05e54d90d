package dev.parley.shared.ids;

import java.time.Clock;

/**
 * Unique 64-bit message ids sortable by time: 41 bits of milliseconds since {@link #EPOCH_MS} (about 69 years),
 * 10 bits of worker number (one per writing node) and a 12-bit counter within the millisecond. The sign bit is
 * always 0, so ids compare the same as signed longs, unsigned longs and decimal strings of equal length.
 *
 * <p>The generator never goes backwards: if the wall clock steps back, or 4096 ids are drawn within one
 * millisecond, it keeps counting on the last millisecond it used (borrowing from the future) instead of waiting,
 * so it never blocks an event loop. Thread-safe.
 */
public final class MsgIdGenerator {
  /** 2024-01-01T00:00:00Z. */
  public static final long EPOCH_MS = 1_704_067_200_000L;
  static final int WORKER_BITS = 10;
  static final int COUNTER_BITS = 12;
  public static final int MAX_WORKER = (1 << WORKER_BITS) - 1;
  private static final long MAX_COUNTER = (1L << COUNTER_BITS) - 1;

  private final Clock clock;
  private final long worker;
  private long lastMs = -1;
  private long counter;

  public MsgIdGenerator(int worker, Clock clock) {
    if (worker < 0 || worker > MAX_WORKER) {
      throw new IllegalArgumentException("worker must be 0.." + MAX_WORKER + ", got " + worker);
    }
    this.worker = worker;
    this.clock = clock;
  }

  /** The worker number for a node: the configured one, or (when -1) derived from the node id. */
  public static int workerFor(String nodeId, int configured) {
    return configured >= 0 ? configured : Math.floorMod(nodeId.hashCode(), MAX_WORKER + 1);
  }

  public synchronized long next() {
    long now = clock.millis() - EPOCH_MS;
    if (now > lastMs) {
      lastMs = now;
      counter = 0;
    } else if (++counter > MAX_COUNTER) {
      lastMs++;
      counter = 0;
    }
    return (lastMs << (WORKER_BITS + COUNTER_BITS)) | (worker << COUNTER_BITS) | counter;
  }

  /** The creation time (epoch ms) encoded in {@code id}. */
  public static long timestampOf(long id) {
    return (id >>> (WORKER_BITS + COUNTER_BITS)) + EPOCH_MS;
  }

  public static int workerOf(long id) {
    return (int) ((id >>> COUNTER_BITS) & MAX_WORKER);
  }
}
