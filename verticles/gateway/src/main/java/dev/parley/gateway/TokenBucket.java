package dev.parley.gateway;

/**
 * A per-device send rate limit: {@code burst} sends at once, refilled at {@code ratePerSecond}. Time is passed in
 * (milliseconds, any monotonic origin), so the bucket is a pure function of its calls. One per session, used on
 * its event loop only.
 */
final class TokenBucket {
  private final double ratePerMs;
  private final double burst;
  private double tokens;
  private long lastMs;

  TokenBucket(int ratePerSecond, int burst, long nowMs) {
    this.ratePerMs = ratePerSecond / 1000.0;
    this.burst = burst;
    this.tokens = burst;
    this.lastMs = nowMs;
  }

  /** Takes one token if there is one. */
  boolean tryTake(long nowMs) {
    refill(nowMs);
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /** Milliseconds until the next token, for the error frame's {@code retryAfterMs}. */
  long msUntilNext(long nowMs) {
    refill(nowMs);
    return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / ratePerMs);
  }

  private void refill(long nowMs) {
    if (nowMs > lastMs) {
      tokens = Math.min(burst, tokens + (nowMs - lastMs) * ratePerMs);
      lastMs = nowMs;
    }
  }
}
