package dev.parley.api.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("KeyRoutes: binary fields have one accepted spelling, standard padded base64")
class KeyRoutesTest {

  @Test
  @DisplayName("standard padded base64 is decoded")
  void accepted() {
    assertThat(KeyRoutes.base64("f", "AQID")).containsExactly(1, 2, 3);
    assertThat(KeyRoutes.base64("f", "AQ==")).containsExactly(1);
  }

  @Test
  @DisplayName("missing padding, URL-safe letters, whitespace, empty and oversized values are refused naming the field")
  void refused() {
    byte[] big = new byte[4097];
    for (String bad : new String[] {"AQ", "-_8=", " AQID", "AQID\n", "", "A===",
        java.util.Base64.getEncoder().encodeToString(big)}) {
      assertThatThrownBy(() -> KeyRoutes.base64("oneTime[2]", bad)).as(bad)
          .isInstanceOfSatisfying(Refusal.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD);
            assertThat(e.field()).isEqualTo("oneTime[2]");
          });
    }
  }
}
