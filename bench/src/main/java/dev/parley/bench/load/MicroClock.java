package dev.parley.bench.load;

import java.time.Instant;

/**
 * Wall-clock time in microseconds since the epoch, read as one wall-clock anchor plus the monotonic clock: cheap,
 * never goes backwards within a process, and agrees across processes of one machine to within the clock's own
 * precision (the latency of a message is the receiver's reading minus the sender's, taken in different JVMs).
 */
public final class MicroClock {
  private static final long ANCHOR_NANOS = System.nanoTime();
  private static final long ANCHOR_MICROS;

  static {
    Instant now = Instant.now();
    ANCHOR_MICROS = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  private MicroClock() {
  }

  public static long nowMicros() {
    return ANCHOR_MICROS + (System.nanoTime() - ANCHOR_NANOS) / 1_000;
  }
}
