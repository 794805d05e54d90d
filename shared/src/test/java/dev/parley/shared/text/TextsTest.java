package dev.parley.shared.text;

import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextsTest {

  @Test
  @DisplayName("NUL and lone surrogates are problems; surrogate pairs and other control characters are text")
  void problems() {
    assertThat(Texts.problem("plain")).isNull();
    assertThat(Texts.problem("emoji \ud83d\ude00")).isNull();
    assertThat(Texts.problem("tab\there")).isNull();
    assertThat(Texts.problem("a\u0000b")).contains("NUL");
    assertThat(Texts.problem("x\ud800y")).contains("surrogate");
    assertThat(Texts.problem("x\udc00")).contains("surrogate");
    assertThat(Texts.problem("\ud800")).contains("surrogate");
    assertThat(Texts.problem("\ude00\ud83d")).contains("surrogate");
  }

  @Test
  @DisplayName("a JSON document is checked at any depth, names too, and the refusal names the top-level field")
  void wholeDocument() {
    Texts.requireClean(new JsonObject().put("a", new JsonArray().add("ok").add(new JsonObject().put("b", 1))), null);
    assertThatThrownBy(() -> Texts.requireClean(new JsonObject().put("displayName", "x\ud800y"), null))
        .isInstanceOfSatisfying(Refusal.class, r -> {
          assertThat(r.code()).isEqualTo(ErrorCode.INVALID_FIELD);
          assertThat(r.field()).isEqualTo("displayName");
        });
    assertThatThrownBy(() -> Texts.requireClean(new JsonObject().put("memberIds",
        new JsonArray().add(new JsonObject().put("n", "\u0000"))), null))
        .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.field()).isEqualTo("memberIds"));
    assertThatThrownBy(() -> Texts.requireClean(new JsonObject().put("k\u0000", 1), null)).isInstanceOf(Refusal.class);
  }
}
