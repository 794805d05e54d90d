package dev.parley.shared.ids;

import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdsTest {

  @Test
  @DisplayName("only the canonical lower-case 8-4-4-4-12 form parses; UUID.fromString's other spellings are refused")
  void canonicalOnly() {
    UUID id = UUID.randomUUID();
    assertThat(Ids.parse("channelId", id.toString())).isEqualTo(id);
    assertThat(UUID.fromString("1-1-1-1-1")).as("what the JDK alone accepts").isNotNull();
    for (String bad : new String[] {"1-1-1-1-1", id.toString().toUpperCase(), "{" + id + "}", id.toString().replace("-", ""),
        " " + id, id + " ", id.toString().substring(1), "urn:uuid:" + id, "", "0000000-0000-0000-0000-0000000000000"}) {
      assertThatThrownBy(() -> Ids.parse("channelId", bad)).as(bad).isInstanceOfSatisfying(Refusal.class, r -> {
        assertThat(r.code()).isEqualTo(ErrorCode.INVALID_FIELD);
        assertThat(r.field()).isEqualTo("channelId");
      });
    }
    assertThatThrownBy(() -> Ids.parse("userId", (Object) 42)).isInstanceOf(Refusal.class);
    assertThatThrownBy(() -> Ids.parse("userId", (String) null)).isInstanceOf(Refusal.class);
  }
}
