package dev.parley.node;

import dev.parley.client.Ack;
import dev.parley.node.MessagePathFixture.Conn;
import dev.parley.node.MessagePathFixture.Device;
import dev.parley.chatstate.ChatStore;
import dev.parley.shared.deps.Dependency;
import dev.parley.shared.deps.DependencyClients;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.parley.node.MessagePathFixture.await;
import static dev.parley.node.MessagePathFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Push through node JVMs of the shaded jar: a gateway, a message node and a push node in a private cluster, with a
 * private notifications topic, publishing through the real AWS SDK to the local SNS stand-in (in this test JVM).
 */
class PushNodeIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static MessagePathFixture fx;
  private static SnsStandIn sns;
  private static DependencyClients deps;
  private static final String PUSH_GROUP = "parley-push-it-" + UUID.randomUUID();
  private static Map<String, String> pushEnv;
  private static JsonObject pushConf;
  private static NodeProcess push;

  @BeforeAll
  static void start() throws Exception {
    fx = new MessagePathFixture(27_301);
    deps = DependencyClients.create(fx.vertx, fx.config, EnumSet.of(Dependency.POSTGRES, Dependency.REDIS));
    sns = new SnsStandIn(fx, deps.pg(), "parley.notifications.it-", 16);
    pushEnv = sns.nodeEnv(PUSH_GROUP, 500);
    pushConf = fx.nodeConf(NodeProcess.freePort(), new JsonObject());
    NodeProcess gw = fx.startGateway("pn-gw", new JsonObject());
    NodeProcess msg = NodeProcess.start("pn-msg", fx.cluster, fx.hzPort, List.of("message"), pushConf, pushEnv);
    fx.nodes.put("pn-msg", msg);
    push = startPush("pn-push-1");
    fx.awaitReady(gw, msg, push);
  }

  private static NodeProcess startPush(String id) throws Exception {
    NodeProcess n = NodeProcess.start(id, fx.cluster, fx.hzPort, List.of("push"), pushConf, pushEnv);
    fx.nodes.put(id, n);
    return n;
  }

  @AfterAll
  static void stop() throws Exception {
    MessagePathFixture.closeAll(fx, sns);
  }

  private static String register(Device d) {
    return sns.register(d);
  }

  private static List<JsonObject> publishes() {
    return sns.publishes().stream().map(JsonObject.class::cast).toList();
  }

  private static List<JsonObject> publishes(String arn) {
    return publishes().stream().filter(p -> arn.equals(p.getString("targetArn"))).toList();
  }

  @Test
  @DisplayName("unique marker: a message sent through the cluster reaches the offline device as a push without its content")
  void noPlaintextInPush() {
    Device a = fx.user();
    Device b = fx.user();
    String arn = register(b);
    UUID channel = fx.channel(a, List.of(a, b));
    Conn ca = fx.connect(a, "pn-gw");
    String marker = "MARKER-" + UUID.randomUUID();
    byte[] payload = ("secret text " + marker).getBytes(StandardCharsets.UTF_8);
    Ack ack = await(ca.client().send(channel, "application", payload));

    eventually(WAIT, () -> !publishes(arn).isEmpty(), () -> "no push for the offline device");
    JsonObject push = publishes(arn).get(0);
    String body = push.encode();
    assertThat(body).doesNotContain(marker).doesNotContain("secret text")
        .doesNotContain(Base64.getEncoder().encodeToString(payload))
        .doesNotContain(Base64.getEncoder().encodeToString(marker.getBytes(StandardCharsets.UTF_8)));
    JsonObject parley = push.getJsonObject("payload").getJsonObject("parley");
    assertThat(parley.getString("channelId")).isEqualTo(channel.toString());
    assertThat(parley.getLong("seq")).isEqualTo(ack.seq());
    assertThat(parley.getString("msgId")).isEqualTo(Long.toString(ack.msgId()));
    assertThat(push.getJsonObject("payload").getJsonObject("aps").getLong("badge")).isEqualTo(1);
    // No push body of the whole run carries the marker (the sender's own online device got none at all).
    assertThat(publishes()).allSatisfy(p -> assertThat(p.encode()).doesNotContain(marker));
  }

  @Test
  @DisplayName("a registration disabled by SNS is told to the device in the ready of its next connect; an active one, or none, is not")
  void disabledRegistrationToldAtConnect() {
    Device a = fx.user();
    Device b = fx.user();
    Device c = fx.user();
    register(a);
    String arnB = register(b);
    // APNs reported b's token dead: SNS disabled the endpoint.
    assertThat(sns.disable(arnB)).isEqualTo(204);
    UUID channel = fx.channel(a, List.of(a, b));
    Conn ca = fx.connect(a, "pn-gw");
    assertThat(ready(ca).containsKey("push")).as("ready of a device with an active registration: %s", ready(ca))
        .isFalse();
    await(ca.client().send(channel, "application", "hello".getBytes(StandardCharsets.UTF_8)));
    // b is offline: the push role publishes, SNS answers EndpointDisabled, the registration is marked disabled.
    eventually(WAIT, () -> await(deps.pg().preparedQuery("SELECT disabled_at FROM push_endpoints WHERE device_id = $1")
            .execute(Tuple.of(b.deviceId()))).iterator().next().getOffsetDateTime("disabled_at") != null,
        () -> "b's registration never marked disabled");
    Conn cb = fx.connect(b, "pn-gw");
    assertThat(ready(cb).getString("push")).as("ready of b: %s", ready(cb)).isEqualTo("disabled");
    Conn cc = fx.connect(c, "pn-gw");
    assertThat(ready(cc).containsKey("push")).as("ready of a device without registration: %s", ready(cc)).isFalse();
  }

  /** The first {@code ready} frame a connection received. */
  private static JsonObject ready(Conn c) {
    return c.frames().stream().filter(f -> "ready".equals(f.getString("type"))).findFirst()
        .orElseThrow(() -> new AssertionError("no ready frame: " + c.frames()));
  }

  @Test
  @DisplayName("kill -9 of the push node mid-stream: after a restart every device gets the push of its newest job")
  void killedPushNodeLosesNothing() throws Exception {
    ChatStore chats = ChatStore.on(deps.redis());
    List<Device> devices = new ArrayList<>();
    Map<UUID, String> arns = new HashMap<>();
    Map<UUID, UUID> channels = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      Device d = fx.user();
      devices.add(d);
      arns.put(d.deviceId(), register(d));
      channels.put(d.deviceId(), UUID.randomUUID());
    }
    KafkaProducer<String, String> producer = KafkaProducer.create(fx.vertx,
        dev.parley.shared.deps.KafkaClientConfig.producer(fx.config.kafka(), "push-kill-it"));
    try {
      int before = publishes().size();
      produce(producer, chats, devices, channels, 1, 3);
      eventually(WAIT, () -> publishes().size() - before >= 10, () -> "no publishes before the kill");
      push.kill();
      // Jobs written while no push node runs.
      produce(producer, chats, devices, channels, 4, 6);
      push = startPush("pn-push-2");
      fx.awaitReady(push);
      for (Device d : devices) {
        String arn = arns.get(d.deviceId());
        eventually(WAIT, () -> publishes(arn).stream().anyMatch(p -> p.getJsonObject("payload")
            .getJsonObject("parley").getLong("seq") == 6), () -> "device " + d.deviceId() + " never got seq 6: "
            + publishes(arn));
      }
    } finally {
      await(producer.close());
    }
  }

  private static void produce(KafkaProducer<String, String> producer, ChatStore chats, List<Device> devices,
                              Map<UUID, UUID> channels, int fromSeq, int toSeq) {
    for (int seq = fromSeq; seq <= toSeq; seq++) {
      for (Device d : devices) {
        UUID channel = channels.get(d.deviceId());
        await(chats.heads().updateHead(channel, seq, System.currentTimeMillis(), new JsonObject().put("seq", seq)));
        JsonObject job = new JsonObject().put("type", "message").put("userId", d.userId().toString())
            .put("deviceId", d.deviceId().toString()).put("channelId", channel.toString()).put("seq", seq)
            .put("msgId", Long.toString(5_000_000L + seq)).put("kind", "application")
            .put("ts", System.currentTimeMillis());
        await(producer.send(KafkaProducerRecord.create(sns.topic, d.deviceId().toString(), job.encode())));
      }
    }
  }
}
