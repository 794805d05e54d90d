package dev.parley.node;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class NodeStartupIT {

  @Test
  @DisplayName("a malformed config key stops start-up with a non-zero exit and a message naming the key")
  void malformedConfigFailsStartup() throws Exception {
    try (NodeProcess node = NodeProcess.start("it-badconf", "it-" + UUID.randomUUID(), 27_701, List.of("discovery"),
        new JsonObject().put("etcd", new JsonObject().put("endpoints", "not-a-list")))) {
      assertThat(node.waitForExit(Duration.ofSeconds(60))).as("node exits on its own").isTrue();
      assertThat(node.exitValue()).isNotZero();
      assertThat(node.logTail()).contains("etcd.endpoints").contains("PARLEY_ETCD_ENDPOINTS");
    }
  }

  @Test
  @DisplayName("an unknown role stops start-up and lists the known roles")
  void unknownRoleFailsStartup() throws Exception {
    try (NodeProcess node = NodeProcess.start("it-badrole", "it-" + UUID.randomUUID(), 27_801, List.of("gatewy"),
        new JsonObject())) {
      assertThat(node.waitForExit(Duration.ofSeconds(60))).isTrue();
      assertThat(node.exitValue()).isNotZero();
      assertThat(node.logTail()).contains("unknown role 'gatewy'").contains("gateway, api, message");
    }
  }
}
