package dev.parley.shared.ids;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MsgIdGeneratorTest {
  private final AtomicLong now = new AtomicLong(Instant.parse("2026-11-27T20:00:00Z").toEpochMilli());
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(now.get());
    }
  };

  @Test
  @DisplayName("ids encode time and worker, are positive and strictly increase")
  void encodesTimeAndWorker() {
    MsgIdGenerator gen = new MsgIdGenerator(517, clock);
    long a = gen.next();
    long b = gen.next();
    now.addAndGet(5);
    long c = gen.next();
    assertThat(a).isPositive();
    assertThat(a).isLessThan(b);
    assertThat(b).isLessThan(c);
    assertThat(MsgIdGenerator.timestampOf(a)).isEqualTo(now.get() - 5);
    assertThat(MsgIdGenerator.timestampOf(c)).isEqualTo(now.get());
    assertThat(MsgIdGenerator.workerOf(c)).isEqualTo(517);
  }

  @Test
  @DisplayName("more than 4096 ids in one millisecond and a clock that steps back still give unique increasing ids")
  void neverRepeatsOrGoesBack() {
    MsgIdGenerator gen = new MsgIdGenerator(3, clock);
    Set<Long> seen = new HashSet<>();
    long last = 0;
    for (int i = 0; i < 10_000; i++) {
      long id = gen.next();
      assertThat(id).isGreaterThan(last);
      assertThat(seen.add(id)).isTrue();
      last = id;
    }
    now.addAndGet(-1_000);
    assertThat(gen.next()).isGreaterThan(last);
  }

  @Test
  @DisplayName("two workers in the same millisecond never collide; worker numbers are range-checked")
  void workersDiffer() {
    assertThat(new MsgIdGenerator(1, clock).next()).isNotEqualTo(new MsgIdGenerator(2, clock).next());
    assertThatThrownBy(() -> new MsgIdGenerator(1024, clock)).isInstanceOf(IllegalArgumentException.class);
    assertThat(MsgIdGenerator.workerFor("node-1", 7)).isEqualTo(7);
    assertThat(MsgIdGenerator.workerFor("node-1", -1)).isBetween(0, 1023);
  }
}
