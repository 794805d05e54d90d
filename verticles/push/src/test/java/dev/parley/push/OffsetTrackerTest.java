package dev.parley.push;

import io.vertx.kafka.client.common.TopicPartition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OffsetTrackerTest {
  private final TopicPartition p0 = new TopicPartition("t", 0);
  private final TopicPartition p1 = new TopicPartition("t", 1);

  @Test
  @DisplayName("the commit moves only past a contiguous run of finished jobs, per partition")
  void inOrder() {
    OffsetTracker t = new OffsetTracker();
    t.add(p0, 10);
    t.add(p0, 11);
    t.add(p0, 12);
    t.add(p1, 5);
    assertThat(t.done(p0, 11)).isEqualTo(-1);
    assertThat(t.done(p1, 5)).isEqualTo(6);
    assertThat(t.done(p0, 10)).isEqualTo(12);
    assertThat(t.done(p0, 12)).isEqualTo(13);
    assertThat(t.unfinished()).isZero();
  }

  @Test
  @DisplayName("a revoked partition's late completions commit nothing")
  void revoked() {
    OffsetTracker t = new OffsetTracker();
    t.add(p0, 1);
    t.forget(List.of(p0));
    assertThat(t.done(p0, 1)).isEqualTo(-1);
  }
}
