package dev.parley.api.media;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ByteRangeTest {
  private static ByteRange.Result parse(String header) {
    return ByteRange.parse(header, 1000);
  }

  private static ByteRange partial(String header) {
    ByteRange.Result r = parse(header);
    assertThat(r).as(header).isInstanceOf(ByteRange.Partial.class);
    return ((ByteRange.Partial) r).range();
  }

  @Test
  @DisplayName("the three single-range forms select the right bytes, clamped to the end")
  void singleRanges() {
    assertThat(partial("bytes=0-99")).isEqualTo(new ByteRange(0, 100));
    assertThat(partial("bytes=990-")).isEqualTo(new ByteRange(990, 10));
    assertThat(partial("bytes=-10")).isEqualTo(new ByteRange(990, 10));
    assertThat(partial("bytes=-5000")).isEqualTo(new ByteRange(0, 1000));
    assertThat(partial("bytes=900-5000")).isEqualTo(new ByteRange(900, 100));
    assertThat(partial("bytes=0-9999999999999999999")).isEqualTo(new ByteRange(0, 1000));
    assertThat(partial("bytes=999-999").end()).isEqualTo(999);
  }

  @Test
  @DisplayName("a range starting at or past the end, or an empty suffix, is unsatisfiable")
  void unsatisfiable() {
    assertThat(parse("bytes=1000-")).isInstanceOf(ByteRange.Unsatisfiable.class);
    assertThat(parse("bytes=5000-6000")).isInstanceOf(ByteRange.Unsatisfiable.class);
    assertThat(parse("bytes=-0")).isInstanceOf(ByteRange.Unsatisfiable.class);
    assertThat(parse("bytes=9999999999999999999-")).isInstanceOf(ByteRange.Unsatisfiable.class);
  }

  @Test
  @DisplayName("absent, multiple, reversed, other-unit and malformed ranges are ignored (whole file)")
  void ignored() {
    for (String h : new String[] {null, "", "bytes=", "bytes=-", "bytes=5-1", "bytes=0-1,5-6", "items=0-1",
        "bytes=a-b", "bytes = 0-1", "bytes=99999999999999999999-"}) {
      assertThat(parse(h)).as(String.valueOf(h)).isInstanceOf(ByteRange.Whole.class);
    }
  }
}
