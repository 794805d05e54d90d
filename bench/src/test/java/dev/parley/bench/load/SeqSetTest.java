package dev.parley.bench.load;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SeqSetTest {
  @Test
  @DisplayName("a set of seqs counts each seq once, merges neighbours into ranges and survives JSON")
  void rangesAndCounts() {
    SeqSet s = new SeqSet();
    for (long seq : new long[] {5, 3, 4, 10, 1, 2, 11, 7}) {
      assertThat(s.add(seq)).isTrue();
    }
    assertThat(s.add(4)).isFalse();
    assertThat(s.size()).isEqualTo(8);
    assertThat(s.rangeCount()).isEqualTo(3); // 1-5, 7, 10-11
    assertThat(s.contains(6)).isFalse();
    assertThat(s.contains(11)).isTrue();
    SeqSet copy = SeqSet.fromJson(s.toJson());
    assertThat(copy.toJson()).isEqualTo(s.toJson());
    assertThat(copy.size()).isEqualTo(8);
  }

  @Test
  @DisplayName("countIn counts exactly the seqs both sets hold")
  void intersection() {
    SeqSet a = new SeqSet();
    SeqSet b = new SeqSet();
    for (long i = 1; i <= 100; i++) {
      a.add(i);
      if (i % 3 != 0 && i > 10) {
        b.add(i);
      }
    }
    b.add(500);
    long expected = java.util.stream.LongStream.rangeClosed(11, 100).filter(i -> i % 3 != 0).count();
    assertThat(a.countIn(b)).isEqualTo(expected);
    assertThat(b.countIn(a)).isEqualTo(expected);
  }
}
