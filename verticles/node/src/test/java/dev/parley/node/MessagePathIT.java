package dev.parley.node;

import dev.parley.client.Ack;
import dev.parley.client.Message;
import dev.parley.client.RestApi;
import dev.parley.node.MessagePathFixture.Conn;
import dev.parley.node.MessagePathFixture.Device;
import io.vertx.core.Future;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static dev.parley.node.MessagePathFixture.await;
import static dev.parley.node.MessagePathFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The message path end to end on the real services: two gateway JVMs and one message JVM in a private cluster,
 * clients from the Java client library. Each test uses its own users and channel.
 */
class MessagePathIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static MessagePathFixture fx;

  @BeforeAll
  static void start() throws Exception {
    // A low rate limit here so flooding is quick to provoke; the other tests stay well under it.
    JsonObject limits = new JsonObject().put("gateway", new JsonObject().put("sendRatePerSecond", 200).put("sendBurst", 200));
    fx = MessagePathFixture.startCluster(26_801, "mp", limits);
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("A on gateway 1 sends; B on gateway 2, B's second device on gateway 1 and A's second device all get it")
  void crossGatewayFanOut() {
    Device a1 = fx.user();
    Device a2 = fx.device(a1.userId());
    Device b1 = fx.user();
    Device b2 = fx.device(b1.userId());
    UUID channel = fx.channel(a1, List.of(a1, b1));
    Conn ca1 = fx.connect(a1, "mp-gw1", "mp-gw2");
    Conn ca2 = fx.connect(a2, "mp-gw2", "mp-gw1");
    Conn cb1 = fx.connect(b1, "mp-gw2", "mp-gw1");
    Conn cb2 = fx.connect(b2, "mp-gw1", "mp-gw2");

    Ack ack = await(ca1.client().send(channel, "application", bytes("hello B")));

    assertThat(ack.seq()).isEqualTo(1);
    for (Conn c : List.of(ca2, cb1, cb2)) {
      eventually(WAIT, () -> c.received().size() == 1, () -> c.device() + " got " + c.received());
      Message m = c.received().get(0);
      assertThat(m.seq()).isEqualTo(1);
      assertThat(m.msgId()).isEqualTo(ack.msgId());
      assertThat(new String(m.payload(), StandardCharsets.UTF_8)).isEqualTo("hello B");
      assertThat(m.senderUser()).isEqualTo(a1.userId());
      assertThat(m.senderDevice()).isEqualTo(a1.deviceId());
      assertThat(c.violations()).isEmpty();
    }
    assertThat(ca1.frames().stream().filter(f -> "msg".equals(f.getString("type")))).isEmpty();
    assertThat(ca1.received()).extracting(Message::own).containsExactly(true);
  }

  @Test
  @DisplayName("a new device of a member gets msg and chat frames from its first session on, despite the member cache")
  void newDeviceHearsAtOnce() {
    Device a = fx.user();
    Device b1 = fx.user();
    UUID channel = fx.channel(a, List.of(a, b1));
    Conn ca = fx.connect(a, "mp-gw1", "mp-gw2");
    Conn cb1 = fx.connect(b1, "mp-gw2", "mp-gw1");
    await(ca.client().send(channel, "application", bytes("warms the message node's member cache")));
    eventually(WAIT, () -> cb1.received().size() == 1, () -> "B1 has " + cb1.received().size());

    // B logs in on a new device after the channel's device list was cached (message.memberCacheSeconds = 30).
    Device b2 = fx.device(b1.userId());
    Conn cb2 = fx.connect(b2, "mp-gw1", "mp-gw2");
    await(ca.client().send(channel, "application", bytes("for every device of B")));
    // Live: well inside the cache TTL, and no history sync was asked for.
    eventually(Duration.ofSeconds(5), () -> cb2.frames().stream().anyMatch(f -> "msg".equals(f.getString("type"))),
        () -> "B2 got no msg frame; frames: " + cb2.frames());
    eventually(Duration.ofSeconds(5), () -> cb2.frames().stream().anyMatch(f -> "chat".equals(f.getString("type"))),
        () -> "B2 got no chat frame; frames: " + cb2.frames());
  }

  @Test
  @DisplayName("the same send retried 5 times with one clientMsgId is stored once and delivered once")
  void retriedSendIsStoredOnce() {
    Device a = fx.user();
    Device b = fx.user();
    UUID channel = fx.channel(a, List.of(a, b));
    Conn ca = fx.connect(a, "mp-gw1");
    Conn cb = fx.connect(b, "mp-gw2");
    String frame = new JsonObject().put("type", "send").put("channelId", channel.toString()).put("clientMsgId", "retry-1")
        .put("payload", Base64.getEncoder().encodeToString(bytes("once"))).encode();
    for (int i = 0; i < 5; i++) {
      await(ca.client().sendRaw(frame));
    }
    eventually(WAIT, () -> acks(ca).size() == 5, () -> "acks: " + acks(ca));
    assertThat(acks(ca)).extracting(f -> f.getLong("seq")).containsOnly(1L);
    await(ca.client().send(channel, "application", bytes("after")));
    eventually(WAIT, () -> cb.received().size() == 2, () -> "B got " + cb.received());
    assertThat(cb.frames().stream().filter(f -> "msg".equals(f.getString("type"))).map(f -> f.getLong("seq")))
        .containsExactly(1L, 2L);
    List<Message> history = await(historyOf(cb, channel));
    assertThat(history).extracting(Message::clientMsgId).containsExactly("retry-1", history.get(1).clientMsgId());
  }

  @Test
  @DisplayName("concurrent senders in one channel: every device sees the identical sequence and the chain verifies")
  void concurrentSendersIdenticalOrder() {
    Device a1 = fx.user();
    Device a2 = fx.device(a1.userId());
    Device b1 = fx.user();
    Device c1 = fx.user();
    UUID channel = fx.channel(a1, List.of(a1, b1, c1));
    List<Conn> conns = List.of(fx.connect(a1, "mp-gw1"), fx.connect(a2, "mp-gw2"), fx.connect(b1, "mp-gw1"),
        fx.connect(c1, "mp-gw2"));
    int perSender = 25;
    List<Future<Ack>> acks = new ArrayList<>();
    for (int i = 0; i < perSender; i++) {
      for (Conn c : conns) {
        acks.add(c.client().send(channel, "application", bytes(c.device().deviceId() + "#" + i)));
      }
    }
    await(Future.all(acks));
    int total = perSender * conns.size();
    for (Conn c : conns) {
      eventually(WAIT, () -> c.received().size() == total, () -> c.device() + " has " + c.received().size());
      assertThat(c.violations()).isEmpty();
      assertThat(c.received()).extracting(Message::seq)
          .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, total).boxed().toList());
    }
    List<Long> reference = conns.get(0).received().stream().map(Message::msgId).toList();
    for (Conn c : conns) {
      assertThat(c.received().stream().map(Message::msgId).toList()).isEqualTo(reference);
    }
    assertThat(reference).isSorted();
  }

  @Test
  @DisplayName("refusals (non-member, oversized, malformed, unknown type, flood) get their error; the socket stays usable")
  void refusalsKeepConnectionHealthy() {
    Device a = fx.user();
    Device outsider = fx.user();
    UUID channel = fx.channel(a, List.of(a));
    UUID foreign = fx.channel(outsider, List.of(outsider));
    Conn ca = fx.connect(a, "mp-gw1");

    Future<Ack> notMember = ca.client().send(foreign, "application", bytes("x"));
    eventually(WAIT, notMember::failed, () -> "non-member send not refused");
    assertThat(notMember.cause()).hasMessageStartingWith("not_a_member");

    byte[] big = new byte[65_537];
    Future<Ack> oversized = ca.client().send(channel, "application", big);
    eventually(WAIT, oversized::failed, () -> "oversized send not refused");
    assertThat(oversized.cause()).hasMessageStartingWith("payload_too_large");

    await(ca.client().sendRaw("{not json"));
    await(ca.client().sendRaw("{\"type\":\"teleport\"}"));
    await(ca.client().sendRaw("[1,2]"));
    eventually(WAIT, () -> hasError(ca, "malformed_frame") && hasError(ca, "unknown_type"), ca.client().errors()::toString);

    // Strict JSON: a comment makes a ping malformed, not a pong (issue 12, item 8).
    // The five refusals above (not_a_member, payload_too_large, two malformed_frame, unknown_type) have all arrived.
    eventually(WAIT, () -> ca.client().errors().size() >= 5, ca.client().errors()::toString);
    int before = ca.client().errors().size();
    await(ca.client().sendRaw("/*c*/{\"type\":\"ping\",\"id\":\"commented\"}"));
    // NUL in a field, and a clientMsgId that is itself refused: the error echoes it as received (item 10).
    await(ca.client().sendRaw("{\"type\":\"send\",\"channelId\":\"" + channel + "\",\"clientMsgId\":\"a\\u0000b\","
        + "\"payload\":\"AA==\"}"));
    await(ca.client().sendRaw(new JsonObject().put("type", "send").put("channelId", channel.toString())
        .put("clientMsgId", "not valid!").put("payload", "AA==").encode()));
    await(ca.client().sendRaw(new JsonObject().put("type", "send").put("channelId", channel.toString())
        .put("clientMsgId", "unpadded").put("payload", "AA").encode()));
    eventually(WAIT, () -> ca.client().errors().size() >= before + 4, ca.client().errors()::toString);
    List<JsonObject> strict = List.copyOf(ca.client().errors()).subList(before, before + 4);
    assertThat(strict.get(0).getString("code")).isEqualTo("malformed_frame");
    assertThat(strict.get(1).getString("code")).isEqualTo("invalid_field");
    assertThat(strict.get(1).getString("field")).isEqualTo("clientMsgId");
    assertThat(List.of(strict.get(2).getString("code"), strict.get(2).getString("field"),
        strict.get(2).getString("clientMsgId"))).containsExactly("invalid_field", "clientMsgId", "not valid!");
    assertThat(List.of(strict.get(3).getString("code"), strict.get(3).getString("field"),
        strict.get(3).getString("clientMsgId"))).containsExactly("invalid_field", "payload", "unpadded");
    assertThat(ca.frames().stream().noneMatch(f -> "commented".equals(f.getValue("id")))).isTrue();

    String flood = new JsonObject().put("type", "send").put("channelId", channel.toString()).put("clientMsgId", "flood")
        .put("payload", "AA==").encode();
    for (int i = 0; i < 400; i++) {
      ca.client().sendRaw(flood);
    }
    eventually(WAIT, () -> hasError(ca, "rate_limited"), ca.client().errors()::toString);

    Ack stillWorks = await(ca.client().send(channel, "application", bytes("still here")));
    assertThat(stillWorks.seq()).isGreaterThanOrEqualTo(2);
    assertThat(ca.client().connects()).isEqualTo(1);
    assertThat(fx.nodes.get("mp-gw1").get("/ready").status()).isEqualTo(200);
  }

  @Test
  @DisplayName("a device offline during 100 messages catches up from history, verified, after connecting")
  void offlineDeviceCatchesUp() {
    Device a = fx.user();
    Device b = fx.user();
    UUID channel = fx.channel(a, List.of(a, b));
    Conn ca = fx.connect(a, "mp-gw2");
    List<Future<Ack>> acks = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      acks.add(ca.client().send(channel, "application", bytes("m" + i)));
    }
    await(Future.all(acks));
    Conn cb = fx.connect(b, "mp-gw1");
    await(cb.client().sync(channel));
    eventually(WAIT, () -> cb.received().size() == 100, () -> "B has " + cb.received().size());
    assertThat(cb.received()).extracting(Message::seq)
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 100).boxed().toList());
    assertThat(new String(cb.received().get(99).payload(), StandardCharsets.UTF_8)).isEqualTo("m99");
    assertThat(cb.violations()).isEmpty();
  }

  @Test
  @DisplayName("a group of 50 members on two gateways all receive every message in the same order")
  void groupOfFifty() {
    List<Device> members = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      members.add(fx.user());
    }
    UUID channel = fx.channel(members.get(0), members);
    List<Conn> conns = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      conns.add(fx.connect(members.get(i), i % 2 == 0 ? "mp-gw1" : "mp-gw2"));
    }
    List<Future<Ack>> acks = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      acks.add(conns.get(i % 3).client().send(channel, "application", bytes("g" + i)));
    }
    await(Future.all(acks));
    List<Long> reference = null;
    for (Conn c : conns) {
      eventually(WAIT, () -> c.received().size() == 10, () -> c.device() + " has " + c.received().size());
      List<Long> ids = c.received().stream().map(Message::msgId).toList();
      if (reference == null) {
        reference = ids;
      }
      assertThat(ids).isEqualTo(reference);
      assertThat(c.violations()).isEmpty();
    }
  }

  @Test
  @DisplayName("through the api role: sign up, log in, open a DM, send over the gateway, read it back as history")
  void realAccountsAndHistoryThroughTheApi() {
    RestApi api = new RestApi(WebClient.create(fx.vertx), fx.apiUrl());
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String password = "correct horse battery " + suffix;
    await(api.signup("ann" + suffix, password, "Ann"));
    await(api.signup("bob" + suffix, password, "Bob"));
    RestApi.Credentials ann = await(api.login("ann" + suffix, password, "laptop", null));
    RestApi.Credentials bob = await(api.login("bob" + suffix, password, "phone", null));
    UUID channel = await(api.directChannel(ann.accessToken(), bob.userId()));
    Device annDevice = new Device(ann.userId(), ann.deviceId(), ann.accessToken());
    Device bobDevice = new Device(bob.userId(), bob.deviceId(), bob.accessToken());
    Conn ca = fx.connect(annDevice, "mp-gw1");
    Conn cb = fx.connect(bobDevice, "mp-gw2");

    Ack ack = await(ca.client().send(channel, "application", bytes("via the api")));
    eventually(WAIT, () -> cb.received().size() == 1, () -> "Bob got " + cb.received());

    List<Message> history = await(api.history(bob.accessToken(), channel, 0, 0));
    assertThat(history).extracting(Message::msgId).containsExactly(ack.msgId());
    Device outsider = fx.user();
    Integer refused = await(WebClient.create(fx.vertx).getAbs(fx.apiUrl() + "/v1/channels/" + channel + "/messages")
        .bearerTokenAuthentication(outsider.token()).send().map(r -> r.statusCode()));
    assertThat(refused).isEqualTo(403);
    Integer anonymous = await(WebClient.create(fx.vertx).getAbs(fx.apiUrl() + "/v1/channels/" + channel + "/messages")
        .send().map(r -> r.statusCode()));
    assertThat(anonymous).isEqualTo(401);
  }

  @Test
  @DisplayName("a device removed through the api is cut off at once (close 4003) and its token refused after")
  void revokedDeviceIsCutOff() {
    RestApi api = new RestApi(WebClient.create(fx.vertx), fx.apiUrl());
    String name = "rev" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String password = "correct horse battery staple 42";
    await(api.signup(name, password, "Rev"));
    RestApi.Credentials laptop = await(api.login(name, password, "laptop", null));
    RestApi.Credentials phone = await(api.login(name, password, "phone", null));
    Conn cp = fx.connect(new Device(phone.userId(), phone.deviceId(), phone.accessToken()), "mp-gw2", "mp-gw1");

    Integer status = await(WebClient.create(fx.vertx).deleteAbs(fx.apiUrl() + "/v1/devices/" + phone.deviceId())
        .bearerTokenAuthentication(laptop.accessToken()).send().map(r -> r.statusCode()));
    assertThat(status).isEqualTo(204);
    eventually(WAIT, () -> cp.client().lastCloseCode() == 4003, () -> "close code " + cp.client().lastCloseCode());
    Throwable again = await(fx.vertx.createWebSocketClient().connect(new WebSocketConnectOptions()
            .setAbsoluteURI(fx.wsUrl("mp-gw1")).addHeader("Authorization", "Bearer " + phone.accessToken()))
        .map(ws -> (Throwable) null).recover(Future::succeededFuture));
    assertThat(again).isNotNull().hasMessageContaining("401");
  }

  private static List<JsonObject> acks(Conn c) {
    return c.frames().stream().filter(f -> "ack".equals(f.getString("type"))).toList();
  }

  private static boolean hasError(Conn c, String code) {
    return c.client().errors().stream().anyMatch(e -> code.equals(e.getString("code")));
  }

  private static Future<List<Message>> historyOf(Conn c, UUID channel) {
    var rest = new RestApi(WebClient.create(fx.vertx), fx.restUrl());
    return rest.history(c.device().token(), channel, 0, 0);
  }
}
