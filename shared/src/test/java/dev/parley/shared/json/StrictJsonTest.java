package dev.parley.shared.json;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StrictJsonTest {

  @Test
  @DisplayName("Vert.x's own codec accepts comments (why this class exists); the strict parser refuses them")
  void comments() {
    assertThat(Json.decodeValue("/*c*/{}")).as("Vert.x's lenient default").isInstanceOf(JsonObject.class);
    assertThatThrownBy(() -> StrictJson.decode("/*c*/{}")).isInstanceOf(DecodeException.class);
    assertThatThrownBy(() -> StrictJson.decode(Buffer.buffer("{} // c"))).isInstanceOf(DecodeException.class);
  }

  @Test
  @DisplayName("every leniency is off and duplicate names are refused; a strict document decodes to Vert.x types")
  void strict() {
    for (String bad : new String[] {"{'a':1}", "{a:1}", "{\"a\":1,}", "[1,]", "{\"a\":NaN}", "{\"a\":01}",
        "{\"a\":1,\"a\":2}", "{} {}", "{\"a\":\"\t\"}", "", "{"}) {
      assertThatThrownBy(() -> StrictJson.decode(bad)).as(bad).isInstanceOf(DecodeException.class);
    }
    Object parsed = StrictJson.decode(Buffer.buffer("{\"a\":[1,{\"b\":\"\\u00e9\"}],\"n\":null}"));
    assertThat(parsed).isInstanceOf(JsonObject.class);
    JsonObject o = (JsonObject) parsed;
    assertThat(o.getJsonArray("a").getJsonObject(1).getString("b")).isEqualTo("é");
    assertThat(StrictJson.decode("[1,2]")).isInstanceOf(JsonArray.class);
    assertThat(StrictJson.decode("\"x\"")).isEqualTo("x");
  }
}
