package dev.parley.gateway;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBucketTest {
  @Test
  @DisplayName("a burst is allowed at once, then sends pass at the refill rate only")
  void burstThenRate() {
    TokenBucket bucket = new TokenBucket(10, 3, 0);
    assertThat(bucket.tryTake(0)).isTrue();
    assertThat(bucket.tryTake(0)).isTrue();
    assertThat(bucket.tryTake(0)).isTrue();
    assertThat(bucket.tryTake(0)).isFalse();
    assertThat(bucket.msUntilNext(0)).isEqualTo(100);
    assertThat(bucket.tryTake(99)).isFalse();
    assertThat(bucket.tryTake(100)).isTrue();
    assertThat(bucket.tryTake(10_000)).isTrue();
    assertThat(bucket.tryTake(10_000)).isTrue();
    assertThat(bucket.tryTake(10_000)).isTrue();
    assertThat(bucket.tryTake(10_000)).as("refill never exceeds the burst").isFalse();
  }
}
