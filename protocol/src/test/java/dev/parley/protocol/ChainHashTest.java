package dev.parley.protocol;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ChainHashTest {
  static final UUID USER = UUID.fromString("11111111-2222-3333-4444-555555555555");
  static final UUID DEVICE = UUID.fromString("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");

  @Test
  @DisplayName("the chain matches the vector computed independently (Python hashlib) from the documented layout")
  void matchesIndependentVector() {
    byte[] h1 = ChainHash.next(ChainHash.genesis(), 1, 123456789L, USER, DEVICE, "application",
        "hello".getBytes(StandardCharsets.UTF_8));
    byte[] h2 = ChainHash.next(h1, 2, 123456790L, USER, DEVICE, "commit", new byte[0]);
    assertThat(HexFormat.of().formatHex(h1)).isEqualTo("5f40697a13e3da05e6d68a25588f450ab395b5408501411393fb79f745bac5df");
    assertThat(HexFormat.of().formatHex(h2)).isEqualTo("fba269dad19892246c151faa303504f3e6796a722e7f228bbe1793542b692266");
  }

  @Test
  @DisplayName("changing any input field (prev, seq, msgId, sender, device, kind, payload) changes the hash")
  void everyFieldIsBound() {
    byte[] p = "x".getBytes(StandardCharsets.UTF_8);
    byte[] base = ChainHash.next(ChainHash.genesis(), 1, 1, USER, DEVICE, "application", p);
    byte[] prev = ChainHash.genesis();
    prev[0] = 1;
    assertThat(ChainHash.next(prev, 1, 1, USER, DEVICE, "application", p)).isNotEqualTo(base);
    assertThat(ChainHash.next(ChainHash.genesis(), 2, 1, USER, DEVICE, "application", p)).isNotEqualTo(base);
    assertThat(ChainHash.next(ChainHash.genesis(), 1, 2, USER, DEVICE, "application", p)).isNotEqualTo(base);
    assertThat(ChainHash.next(ChainHash.genesis(), 1, 1, DEVICE, DEVICE, "application", p)).isNotEqualTo(base);
    assertThat(ChainHash.next(ChainHash.genesis(), 1, 1, USER, USER, "application", p)).isNotEqualTo(base);
    assertThat(ChainHash.next(ChainHash.genesis(), 1, 1, USER, DEVICE, "commit", p)).isNotEqualTo(base);
    assertThat(ChainHash.next(ChainHash.genesis(), 1, 1, USER, DEVICE, "application", "y".getBytes(StandardCharsets.UTF_8)))
        .isNotEqualTo(base);
  }
}
