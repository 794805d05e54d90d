package dev.parley.gateway;

import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ErrorFramesTest {

  private static ErrorCode refusalOf(String text) {
    try {
      ErrorFrames.parse(text);
      return null;
    } catch (Refusal r) {
      return r.code();
    }
  }

  @Test
  @DisplayName("a frame is strict JSON: comments, single quotes, duplicate names, trailing data are malformed_frame")
  void strictJson() {
    assertThat(ErrorFrames.parse("{\"type\":\"ping\"}").getString("type")).isEqualTo("ping");
    for (String bad : new String[] {"/*c*/{\"type\":\"ping\"}", "{\"type\":\"ping\"}//c", "# c\n{\"type\":\"ping\"}",
        "{'type':'ping'}", "{type:\"ping\"}", "{\"type\":\"ping\",}", "{\"type\":\"ping\",\"type\":\"send\"}",
        "{\"type\":\"ping\"} {}", "[1,2]", "\"ping\"", "{\"n\":NaN}", "{\"n\":01}", "{not json"}) {
      assertThat(refusalOf(bad)).as(bad).isEqualTo(ErrorCode.MALFORMED_FRAME);
    }
  }

  @Test
  @DisplayName("NUL and lone surrogates anywhere in a frame are invalid_field naming the top-level field")
  void cleanText() {
    assertThatThrownBy(() -> ErrorFrames.parse("{\"type\":\"send\",\"clientMsgId\":\"a\\u0000b\"}"))
        .isInstanceOfSatisfying(Refusal.class, r -> {
          assertThat(r.code()).isEqualTo(ErrorCode.INVALID_FIELD);
          assertThat(r.field()).isEqualTo("clientMsgId");
        });
    assertThat(refusalOf("{\"type\":\"x\\ud800y\"}")).isEqualTo(ErrorCode.INVALID_FIELD);
    assertThat(refusalOf("{\"type\":\"ping\",\"id\":[\"\\udc00\"]}")).isEqualTo(ErrorCode.INVALID_FIELD);
    assertThat(refusalOf("{\"type\":\"ping\",\"k\\u0000\":1}")).isEqualTo(ErrorCode.INVALID_FIELD);
    assertThat(ErrorFrames.parse("{\"type\":\"ping\",\"id\":\"\\ud83d\\ude00\"}").getString("id")).isEqualTo("😀");
  }

  @Test
  @DisplayName("an error frame carries code, message and field, and echoes the clientMsgId as received (bounded)")
  void echoesWhatWasReceived() {
    JsonObject refused = new JsonObject().put("type", "send").put("clientMsgId", "not valid!");
    JsonObject error = ErrorFrames.echo(ErrorFrames.of(new Refusal(ErrorCode.INVALID_FIELD, "clientMsgId", "bad")),
        refused, "clientMsgId");
    assertThat(error).isEqualTo(new JsonObject().put("type", "error").put("code", "invalid_field")
        .put("message", "bad").put("field", "clientMsgId").put("clientMsgId", "not valid!"));
    String longest = "x".repeat(ErrorFrames.MAX_ECHO);
    assertThat(ErrorFrames.echo(new JsonObject(), refused.copy().put("clientMsgId", longest), "clientMsgId")
        .getString("clientMsgId")).isEqualTo(longest);
    assertThat(ErrorFrames.echo(new JsonObject(), refused.copy().put("clientMsgId", longest + "x"), "clientMsgId")
        .containsKey("clientMsgId")).isFalse();
    assertThat(ErrorFrames.echo(new JsonObject(), refused.copy().put("clientMsgId", 42), "clientMsgId")
        .getInteger("clientMsgId")).isEqualTo(42);
    assertThat(ErrorFrames.echo(new JsonObject(), refused.copy().put("clientMsgId", true), "clientMsgId")
        .containsKey("clientMsgId")).isFalse();
  }
}
