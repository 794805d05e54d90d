package dev.parley.bench.load;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadOptionsTest {

  private static void refused(String expectedMessagePart, String... args) {
    assertThatThrownBy(() -> LoadOptions.parse(List.of(args)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(expectedMessagePart);
  }

  @Test
  @DisplayName("defaults: a pairs run on the two local gateways, loopback only, worker count from the device count")
  void defaults() {
    LoadOptions o = LoadOptions.parse(List.of("--connections", "12000", "--home", "/tmp/parley-home"));
    assertThat(o.scenario()).isEqualTo("pairs");
    assertThat(o.target()).isEqualTo("parley");
    assertThat(o.gateways()).containsExactly("ws://127.0.0.1:8091/ws", "ws://127.0.0.1:8092/ws");
    assertThat(o.workers()).isEqualTo(3);
    assertThat(o.fixture()).isEqualTo("pairs-12000");
    assertThat(o.workerHeap()).isEqualTo("384m");
  }

  @Test
  @DisplayName("bad options are refused with a message naming the option")
  void refusals() {
    refused("unknown option --conections", "--conections", "10");
    refused("unexpected argument 'pairs'", "pairs");
    refused("--connections needs a value", "--connections");
    refused("--scenario must be one of", "--scenario", "chaos");
    refused("--target must be parley, relay or both", "--target", "prod");
    refused("--connections must be a number", "--connections", "many");
    refused("--connections must be between", "--connections", "0");
    refused("--connections must be a whole number", "--connections", "10.5");
    refused("--rate must be between", "--rate", "-1");
    refused("--group-size must be at least 2", "--scenario", "group", "--group-size", "1");
    refused("--storm-trigger must be client or external", "--storm-trigger", "kill");
    refused("--worker-heap must be a heap size", "--worker-heap", "lots");
    refused("--relay-heap must be a heap size", "--relay-heap", "512m -XX:+Crash");
    refused("--fixture must be 1 to 64 letters", "--fixture", "../../etc/x");
  }

  @Test
  @DisplayName("only loopback targets unless --allow-remote")
  void loopbackOnly() {
    refused("--gateways: ws://10.0.0.5:8091/ws is not a loopback address", "--gateways", "ws://10.0.0.5:8091/ws");
    refused("--api: http://example.com is not a loopback address", "--api", "http://example.com");
    refused("--relay-url: ws://192.168.1.2:9000/ws is not a loopback address", "--relay-url", "ws://192.168.1.2:9000/ws");
    LoadOptions remote = LoadOptions.parse(List.of("--gateways", "ws://10.0.0.5:8091/ws", "--allow-remote"));
    assertThat(remote.gateways()).containsExactly("ws://10.0.0.5:8091/ws");
    assertThat(LoadOptions.parse(List.of("--gateways", "ws://localhost:8091/ws,ws://[::1]:8092/ws")).gateways())
        .hasSize(2);
  }
}
