package dev.parley.protocol;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GatewayDeliveryTest {
  static final UUID A = UUID.fromString("00000000-0000-4000-8000-00000000000a");
  static final UUID B = UUID.fromString("00000000-0000-4000-8000-00000000000b");
  static final UUID C = UUID.fromString("00000000-0000-4000-8000-00000000000c");

  @Test
  @DisplayName("what toJson writes, fromJson reads back unchanged, in the documented wire shape")
  void roundTrip() {
    JsonObject frame = SessionFrames.pong(7);
    GatewayDelivery d = new GatewayDelivery(List.of(new GatewayDelivery.Part(frame, List.of(A, B))));
    JsonObject json = d.toJson();
    assertThat(json.encode()).isEqualTo("{\"frames\":[{\"frame\":{\"type\":\"pong\",\"id\":7},\"devices\":[\""
        + A + "\",\"" + B + "\"]}]}");
    assertThat(GatewayDelivery.fromJson(json)).isEqualTo(d);
  }

  @Test
  @DisplayName("a delivery without frames or with a bad device id is refused")
  void refusesMalformed() {
    assertThatThrownBy(() -> GatewayDelivery.fromJson(new JsonObject())).isInstanceOf(IllegalArgumentException.class);
    JsonObject bad = new JsonObject().put("frames", new io.vertx.core.json.JsonArray().add(new JsonObject()
        .put("frame", new JsonObject()).put("devices", new io.vertx.core.json.JsonArray().add("nope"))));
    assertThatThrownBy(() -> GatewayDelivery.fromJson(bad)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("PerNode splits frames by gateway, keeps the order they were added in and skips offline devices")
  void groupsPerNode() {
    JsonObject first = SessionFrames.pong(1);
    JsonObject second = SessionFrames.pong(2);
    Map<UUID, String> nodes = Map.of(A, "g1", B, "g2");
    Map<String, GatewayDelivery> out = new GatewayDelivery.PerNode()
        .add(first, List.of(A, B, C), nodes)
        .add(second, List.of(A), nodes)
        .build();
    assertThat(out).containsOnlyKeys("g1", "g2");
    assertThat(out.get("g1").parts()).containsExactly(new GatewayDelivery.Part(first, List.of(A)),
        new GatewayDelivery.Part(second, List.of(A)));
    assertThat(out.get("g2").parts()).containsExactly(new GatewayDelivery.Part(first, List.of(B)));
  }
}
