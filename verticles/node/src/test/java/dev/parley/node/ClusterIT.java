package dev.parley.node;

import dev.parley.proto.ops.v1.GetReadinessRequest;
import dev.parley.proto.ops.v1.GetReadinessResponse;
import dev.parley.proto.ops.v1.NodeOpsGrpcClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two node JVMs from the shaded jar form one cluster; an event-bus request crosses between them. Runs in its
 * own Hazelcast cluster (unique name and port range), so a local dev cluster on the same host is unaffected.
 */
class ClusterIT {
  private static final String CLUSTER = "it-" + UUID.randomUUID();
  private static final int HZ_PORT = 26_701;
  private static NodeProcess a;
  private static NodeProcess b;

  @BeforeAll
  static void startNodes() throws Exception {
    JsonObject env = new JsonObject();
    a = NodeProcess.start("it-a", CLUSTER, HZ_PORT, List.of("discovery"), env);
    b = NodeProcess.start("it-b", CLUSTER, HZ_PORT, List.of("presence"), env);
    a.await("/ready", r -> r.status() == 200, Duration.ofSeconds(90));
    b.await("/ready", r -> r.status() == 200, Duration.ofSeconds(90));
  }

  @AfterAll
  static void stopNodes() throws Exception {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  @Test
  @DisplayName("both nodes see a two-member cluster and a request from A reaches B over the event bus")
  void eventBusCrossesJvms() {
    a.await("/health", r -> r.status() == 200 && r.json().getInteger("clusterMembers") == 2, Duration.ofSeconds(30));
    NodeProcess.Response viaA = a.await("/cluster/nodes/it-b", r -> r.status() == 200, Duration.ofSeconds(30));
    JsonObject answer = viaA.json();
    assertThat(answer.getString("askedBy")).isEqualTo("it-a");
    assertThat(answer.getJsonObject("node").getString("nodeId")).isEqualTo("it-b");
    assertThat(answer.getJsonObject("node").getJsonArray("roles").getList()).containsExactly("presence");
    assertThat(answer.getJsonObject("node").getBoolean("ready")).isTrue();

    NodeProcess.Response viaB = b.get("/cluster/nodes/it-a");
    assertThat(viaB.status()).isEqualTo(200);
    assertThat(viaB.json().getJsonObject("node").getString("nodeId")).isEqualTo("it-a");
  }

  @Test
  @DisplayName("a node id that is in no cluster member is a 404 problem document; a malformed one is a 400")
  void unknownNode() {
    NodeProcess.Response unknown = a.get("/cluster/nodes/nobody");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().getString("code")).isEqualTo("node_unreachable");
    NodeProcess.Response bad = a.get("/cluster/nodes/bad%20id");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().getString("code")).isEqualTo("bad_request");
  }

  @Test
  @DisplayName("/ready names every dependency of the node's roles, each with a real round trip")
  void readyListsDependencies() {
    JsonObject ready = b.get("/ready").json();
    assertThat(ready.getBoolean("ready")).isTrue();
    assertThat(ready.getJsonArray("dependencies").stream().map(d -> ((JsonObject) d).getString("name")))
        .containsExactly("postgres", "redis");
  }

  @Test
  @DisplayName("/metrics serves Prometheus text with JVM metrics and one up-gauge per dependency")
  void prometheusMetrics() {
    b.get("/ready");
    NodeProcess.Response metrics = b.get("/metrics");
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body()).contains("jvm_memory_used_bytes")
        .contains("parley_dependency_up{dependency=\"redis\"} 1.0")
        .contains("parley_dependency_up{dependency=\"postgres\"} 1.0");
  }

  @Test
  @DisplayName("the gRPC NodeOps service on the ops port answers GetReadiness like /ready")
  void grpcReadiness() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      GrpcClient client = GrpcClient.client(vertx);
      NodeOpsGrpcClient ops = NodeOpsGrpcClient.create(client, SocketAddress.inetSocketAddress(a.opsPort, "127.0.0.1"));
      GetReadinessResponse response = ops.getReadiness(GetReadinessRequest.getDefaultInstance())
          .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertThat(response.getNodeId()).isEqualTo("it-a");
      assertThat(response.getRolesList()).containsExactly("discovery");
      assertThat(response.getReady()).isTrue();
      assertThat(response.getDependenciesList()).extracting(d -> d.getName()).containsExactly("etcd");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }
}
