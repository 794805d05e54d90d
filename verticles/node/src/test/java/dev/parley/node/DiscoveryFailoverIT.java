package dev.parley.node;

import dev.parley.client.Ack;
import dev.parley.client.Message;
import dev.parley.client.ParleyClient;
import dev.parley.client.RestApi;
import dev.parley.node.MessagePathFixture.Device;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static dev.parley.node.MessagePathFixture.await;
import static dev.parley.node.MessagePathFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that find their gateway through service discovery (no URL list): kill -9 of the gateway a sender is
 * on, then a drain of the one it moved to, both under traffic. Discovery (lease TTL 3 s) must stop assigning the
 * dead and the draining gateway, the Java client must land on a live one and resend what was not acknowledged,
 * and the channel must end with every message exactly once, in order, on every reader.
 */
class DiscoveryFailoverIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static MessagePathFixture fx;
  private static JsonObject extra;

  @BeforeAll
  static void start() throws Exception {
    fx = new MessagePathFixture(31_701);
    extra = new JsonObject()
        .put("etcd", new JsonObject().put("keyPrefix", "/parley-it/" + UUID.randomUUID() + "/"))
        .put("discovery", new JsonObject().put("port", NodeProcess.freePort()).put("leaseTtlSeconds", 3)
            .put("refreshMs", 1000));
    NodeProcess ctl = NodeProcess.start("df-ctl", fx.cluster, fx.hzPort, List.of("discovery"),
        fx.nodeConf(NodeProcess.freePort(), extra.copy()));
    fx.nodes.put("df-ctl", ctl);
    NodeProcess api = NodeProcess.start("df-api", fx.cluster, fx.hzPort, List.of("api"),
        fx.nodeConf(NodeProcess.freePort(), extra.copy().put("api", new JsonObject().put("port", fx.apiPort))));
    fx.nodes.put("df-api", api);
    NodeProcess a = fx.startGateway("df-gw-a", extra.copy());
    NodeProcess b = fx.startGateway("df-gw-b", extra.copy());
    NodeProcess msg = fx.startMessage("df-msg");
    fx.awaitReady(ctl, api, a, b, msg);
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  @DisplayName("kill -9 and then drain of the sender's gateway under traffic: discovery moves it, nothing acked is lost")
  void killThenDrainUnderTraffic() throws Exception {
    Device a = fx.user();
    Device b = fx.user();
    UUID channel = fx.channel(a, List.of(a, b));
    List<Message> bReceived = new CopyOnWriteArrayList<>();
    List<Throwable> violations = new CopyOnWriteArrayList<>();
    ParleyClient ca = client(a, new CopyOnWriteArrayList<>(), violations);
    ParleyClient cb = client(b, bReceived, violations);
    await(ca.connect());
    await(cb.connect());

    String first = ca.gatewayNode();
    List<Future<Ack>> acks = PacedLoad.send(ca, channel, "k", 150, 10, 40, i -> kill(first));
    await(Future.all(acks).timeout(WAIT.toSeconds(), TimeUnit.SECONDS));
    String second = ca.gatewayNode();
    assertThat(second).as("moved off the killed gateway").isNotEqualTo(first).startsWith("df-gw-");

    NodeProcess c = fx.startGateway("df-gw-c", extra.copy());
    fx.awaitReady(c);
    List<Future<Ack>> more = PacedLoad.send(ca, channel, "d", 150, 10, 40, i -> drain(second));
    await(Future.all(more).timeout(WAIT.toSeconds(), TimeUnit.SECONDS));
    // A draining gateway keeps serving until its clients have moved, so every ack can arrive before the client has
    // finished moving: wait for the move itself (bounded), then check where it landed.
    eventually(WAIT, () -> ca.gatewayNode() != null && !ca.gatewayNode().equals(second),
        () -> "not moved off " + second + ": on " + ca.gatewayNode());
    assertThat(ca.gatewayNode()).as("the only gateway neither dead nor draining").isEqualTo("df-gw-c");

    int total = 300;
    RestApi rest = new RestApi(WebClient.create(fx.vertx), fx.apiUrl());
    List<Message> history = await(rest.history(a.token(), channel, 0, 0));
    assertThat(history).extracting(Message::seq).containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
    assertThat(history.stream().map(Message::clientMsgId).distinct().count()).isEqualTo(total);
    await(cb.sync(channel));
    eventually(WAIT, () -> bReceived.size() == total, () -> "B has " + bReceived.size());
    assertThat(bReceived).extracting(Message::seq).containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
    assertThat(violations).isEmpty();
  }

  private static ParleyClient client(Device d, List<Message> received, List<Throwable> violations) {
    return ParleyClient.create(fx.vertx, new ParleyClient.Options(List.of(), fx.apiUrl(), d.userId(), d.deviceId(),
        d.token())).onMessage(received::add).onChainViolation(violations::add);
  }

  private static void kill(String nodeId) throws Exception {
    fx.nodes.get(nodeId).kill();
  }

  private static void drain(String nodeId) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + fx.nodes.get(nodeId).opsPort + "/admin/drain")).header("Authorization", "Bearer " + NodeProcess.OPS_TOKEN)
        .POST(HttpRequest.BodyPublishers.noBody())
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("drain " + nodeId + ": " + r.body()).isEqualTo(200);
  }
}
