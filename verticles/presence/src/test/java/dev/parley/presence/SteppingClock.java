package dev.parley.presence;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A clock of presence tests that moves only forward, when the test says: a base (a fixed instant in unit tests, the
 * wall clock in {@link PresenceIT}) plus the total of the steps taken so far.
 */
final class SteppingClock extends Clock {
  private final Supplier<Instant> base;
  private final AtomicLong offsetMs = new AtomicLong();

  SteppingClock(Supplier<Instant> base) {
    this.base = base;
  }

  /** A clock standing at {@code start} until it is advanced. */
  static SteppingClock at(Instant start) {
    return new SteppingClock(() -> start);
  }

  void advance(Duration step) {
    offsetMs.addAndGet(step.toMillis());
  }

  @Override
  public Instant instant() {
    return base.get().plusMillis(offsetMs.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException();
  }
}
