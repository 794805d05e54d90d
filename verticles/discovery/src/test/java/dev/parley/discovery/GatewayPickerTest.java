package dev.parley.discovery;

import dev.parley.shared.discovery.GatewayRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayPickerTest {
  private static GatewayRecord gw(String id, String region, int capacity, int connections) {
    return new GatewayRecord(id, "ws://127.0.0.1/" + id, region, capacity, connections, 5, false, 0);
  }

  @Test
  @DisplayName("300 picks over three gateways spread in proportion to their free capacity")
  void proportionalToFreeCapacity() {
    List<GatewayRecord> view = List.of(gw("a", "eu", 1_000, 0), gw("b", "eu", 3_000, 1_000), gw("c", "eu", 4_000, 1_000));
    GatewayPicker picker = new GatewayPicker(1_000);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      counts.merge(picker.pick(view, "eu", "").orElseThrow().nodeId(), 1, Integer::sum);
    }
    // Free: 1000, 2000, 3000 -> 1/6, 2/6, 3/6 of 300.
    assertThat(counts.get("a")).isBetween(45, 55);
    assertThat(counts.get("b")).isBetween(95, 105);
    assertThat(counts.get("c")).isBetween(145, 155);
  }

  @Test
  @DisplayName("draining, full and overloaded gateways are never picked")
  void excludesUnhealthy() {
    GatewayRecord draining = gw("d", "eu", 100, 0).asDraining(1);
    GatewayRecord full = gw("f", "eu", 100, 100);
    GatewayRecord lagging = new GatewayRecord("l", "ws://x/l", "eu", 100, 0, 5_000, false, 0);
    GatewayRecord ok = gw("ok", "eu", 10, 9);
    GatewayPicker picker = new GatewayPicker(1_000);
    for (int i = 0; i < 20; i++) {
      assertThat(picker.pick(List.of(draining, full, lagging, ok), "eu", "").orElseThrow().nodeId()).isEqualTo("ok");
    }
    assertThat(picker.pick(List.of(draining, full, lagging), "eu", "")).isEmpty();
    assertThat(picker.pick(List.of(), "", "")).isEmpty();
  }

  @Test
  @DisplayName("the client's region is preferred; other regions serve only when none in the region can")
  void regionFirst() {
    GatewayPicker picker = new GatewayPicker(1_000);
    List<GatewayRecord> view = List.of(gw("eu-1", "eu", 10, 0), gw("us-1", "us", 1_000, 0));
    for (int i = 0; i < 10; i++) {
      assertThat(picker.pick(view, "eu", "").orElseThrow().nodeId()).isEqualTo("eu-1");
    }
    List<GatewayRecord> euFull = List.of(gw("eu-1", "eu", 10, 10), gw("us-1", "us", 1_000, 0));
    assertThat(picker.pick(euFull, "eu", "").orElseThrow().nodeId()).isEqualTo("us-1");
  }

  @Test
  @DisplayName("a reconnecting device goes back to its previous gateway while that one is healthy")
  void stickyForReconnect() {
    GatewayPicker picker = new GatewayPicker(1_000);
    List<GatewayRecord> view = List.of(gw("a", "eu", 10, 0), gw("b", "eu", 10_000, 0));
    for (int i = 0; i < 10; i++) {
      assertThat(picker.pick(view, "eu", "a").orElseThrow().nodeId()).isEqualTo("a");
    }
    List<GatewayRecord> aDraining = List.of(gw("a", "eu", 10, 0).asDraining(1), gw("b", "eu", 10_000, 0));
    assertThat(picker.pick(aDraining, "eu", "a").orElseThrow().nodeId()).isEqualTo("b");
  }
}
