package dev.parley.message;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HistoryRoutesTest {
  private static final String CH = UUID.randomUUID().toString();

  @Test
  @DisplayName("query parameters are validated: seqs are non-negative integers, limit 1..500, before > after")
  void parse() {
    HistoryRoutes.PageQuery q = HistoryRoutes.parse(CH, "5", null, null);
    assertThat(q.after()).isEqualTo(5);
    assertThat(q.limit()).isEqualTo(HistoryRoutes.DEFAULT_LIMIT);
    assertThat(HistoryRoutes.parse(CH, null, "9", "500").limit()).isEqualTo(500);
    assertThatThrownBy(() -> HistoryRoutes.parse("x", null, null, null)).hasMessageContaining("channelId");
    assertThatThrownBy(() -> HistoryRoutes.parse(CH, "-1", null, null)).hasMessageContaining("after");
    assertThatThrownBy(() -> HistoryRoutes.parse(CH, null, "1e3", null)).hasMessageContaining("before");
    assertThatThrownBy(() -> HistoryRoutes.parse(CH, null, null, "0")).hasMessageContaining("limit");
    assertThatThrownBy(() -> HistoryRoutes.parse(CH, null, null, "501")).hasMessageContaining("limit");
    assertThatThrownBy(() -> HistoryRoutes.parse(CH, "7", "7", null)).hasMessageContaining("before");
  }
}
