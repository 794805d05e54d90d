package dev.parley.push;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {
  @Test
  @DisplayName("the ceiling doubles per attempt up to the maximum; jitter picks below it")
  void exponentialCappedJittered() {
    Backoff top = new Backoff(100, 1_000, () -> 0.999_999);
    assertThat(top.delayMs(1)).isEqualTo(99);
    assertThat(top.delayMs(2)).isEqualTo(199);
    assertThat(top.delayMs(4)).isEqualTo(799);
    assertThat(top.delayMs(5)).isEqualTo(999);
    assertThat(top.delayMs(60)).isEqualTo(999);
    assertThat(new Backoff(100, 1_000, () -> 0.0).delayMs(3)).isEqualTo(1);
    assertThat(new Backoff(100, 1_000, () -> 0.5).delayMs(3)).isEqualTo(200);
  }
}
