package dev.parley.api.chats;

import dev.parley.shared.Refusal;
import dev.parley.shared.ErrorCode;
import dev.parley.chatstate.ChatStore;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChatParamsTest {

  @Test
  @DisplayName("a nextCursor value parses back into the index entry it came from; anything else is 400 bad_request")
  void cursorRoundTripAndRefusals() {
    UUID ch = UUID.randomUUID();
    assertThat(ChatListService.parseCursor(1795811830734L + "_" + ch))
        .isEqualTo(new ChatStore.IndexEntry(ch, 1795811830734L));
    assertThat(ChatListService.parseCursor(null)).isNull();
    for (String bad : new String[] {"", "zzz", "12_" + ch + "x", "-1_" + ch, "12_" + ch.toString().toUpperCase(),
        "12345678901234567_" + ch, "12:" + ch}) {
      assertThatThrownBy(() -> ChatListService.parseCursor(bad)).as(bad).isInstanceOfSatisfying(Refusal.class,
          e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
            assertThat(e.field()).isEqualTo("cursor");
          });
    }
  }

  @Test
  @DisplayName("limit defaults to 50 and must be an integer from 1 to the configured maximum")
  void limits() {
    assertThat(ChatRoutes.limit(null, 200)).isEqualTo(50);
    assertThat(ChatRoutes.limit(null, 20)).isEqualTo(20);
    assertThat(ChatRoutes.limit("1", 200)).isEqualTo(1);
    assertThat(ChatRoutes.limit("200", 200)).isEqualTo(200);
    for (String bad : new String[] {"0", "201", "-1", "abc", "1.5", "99999"}) {
      assertThatThrownBy(() -> ChatRoutes.limit(bad, 200)).as(bad).isInstanceOf(Refusal.class);
    }
  }
}
