package dev.parley.node;

import static dev.parley.node.MessagePathFixture.await;
import static dev.parley.node.MessagePathFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.client.Message;
import dev.parley.client.ParleyClient;
import dev.parley.client.RestApi;
import dev.parley.client.e2ee.StateDir;
import dev.parley.mls.ChannelSession;
import dev.parley.mls.MlsDevice;
import dev.parley.mls.MlsException;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * End-to-end encryption on the real cluster (docs/e2ee.md): two gateways, a message node (the Delivery Service) and
 * an api node; three users with two devices each, every device on the other gateway than its sibling, each with its
 * own MLS state directory. One story in order: a DM and a group where every device decrypts every message in the
 * same order; a new device joins by external commit and reads what follows; a removed device and a removed member
 * cannot decrypt captured ciphertext sent after their removal (with the state they held before it); two devices
 * commit on the same epoch, one wins, the other catches up, and all end with one epoch authenticator.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class E2eeIT {
  private static MessagePathFixture fx;
  private static Path stateRoot;
  private static final Map<UUID, Dev> DEVICES = new ConcurrentHashMap<>();
  private static Dev a1;
  private static Dev a2;
  private static Dev b1;
  private static Dev b2;
  private static Dev c1;
  private static Dev c2;
  private static UUID dm;
  private static UUID group;

  /** A connected E2EE device and what it delivered. */
  record Dev(String name, MessagePathFixture.Device device, ParleyClient client, Path stateDir, List<Message> received,
             List<Message> undecryptable) {
    List<String> texts(UUID channel) {
      return received.stream().filter(m -> m.channelId().equals(channel) && "application".equals(m.kind()))
          .map(m -> m.seq() + ":" + new String(m.payload(), StandardCharsets.UTF_8)).toList();
    }

    String epochAuth(UUID channel) {
      return await(client.e2ee().epochAuthenticator(channel)).map(HexFormat.of()::formatHex).orElse("none");
    }

    List<UUID> groupMembers(UUID channel) {
      return await(client.e2ee().groupMembers(channel));
    }
  }

  @BeforeAll
  static void startCluster() throws Exception {
    fx = new MessagePathFixture(27_401);
    // Two node JVMs (the machine is shared): A runs a gateway, the message role (the Delivery Service) and the api;
    // B a second gateway. Devices of one user sit on different gateways.
    startNode("e2-gw-a", List.of("gateway", "message", "api"));
    startNode("e2-gw-b", List.of("gateway"));
    stateRoot = Files.createTempDirectory("parley-e2ee-it");
    MessagePathFixture.Device ua = fx.user();
    MessagePathFixture.Device ub = fx.user();
    MessagePathFixture.Device uc = fx.user();
    a1 = connect("a1", ua, "e2-gw-a");
    a2 = connect("a2", fx.device(ua.userId()), "e2-gw-b");
    b1 = connect("b1", ub, "e2-gw-b");
    b2 = connect("b2", fx.device(ub.userId()), "e2-gw-a");
    c1 = connect("c1", uc, "e2-gw-a");
    c2 = connect("c2", fx.device(uc.userId()), "e2-gw-b");
  }

  static void startNode(String id, List<String> roles) throws Exception {
    int port = NodeProcess.freePort();
    fx.gatewayPorts.put(id, port);
    io.vertx.core.json.JsonObject extra = new io.vertx.core.json.JsonObject();
    if (roles.contains("api")) {
      extra.put("api", new io.vertx.core.json.JsonObject().put("port", fx.apiPort).put("rateLimit",
          new io.vertx.core.json.JsonObject().put("loginPerAccount", 100_000).put("loginPerAddress", 100_000)
              .put("signupPerAddress", 100_000)));
    }
    NodeProcess n = NodeProcess.start(id, fx.cluster, fx.hzPort, roles, fx.nodeConf(port, extra));
    fx.nodes.put(id, n);
    n.await("/ready", r -> r.status() == 200, Duration.ofSeconds(300));
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  static Dev connect(String name, MessagePathFixture.Device d, String gateway) {
    String other = gateway.equals("e2-gw-a") ? "e2-gw-b" : "e2-gw-a";
    MessagePathFixture.Conn conn = fx.open(d, gateway, other);
    Path dir = stateRoot.resolve(name);
    List<Message> undecryptable = new CopyOnWriteArrayList<>();
    conn.client().enableE2ee(dir).onUndecryptable((m, err) -> undecryptable.add(m));
    await(conn.client().connect());
    Dev dev = new Dev(name, d, conn.client(), dir, conn.received(), undecryptable);
    DEVICES.put(d.deviceId(), dev);
    return dev;
  }

  private static void send(Dev from, UUID channel, String text) {
    await(from.client().send(channel, "application", text.getBytes(StandardCharsets.UTF_8)));
  }

  private static void allSee(UUID channel, List<Dev> devices, int count) {
    for (Dev d : devices) {
      eventually(Duration.ofSeconds(30), () -> d.texts(channel).size() >= count,
          () -> d.name() + " has " + d.texts(channel) + ", undecryptable " + d.undecryptable().size());
    }
  }

  @Test
  @Order(1)
  @DisplayName("3 users x 2 devices on two gateways: in a DM and a group every device decrypts every message, in "
      + "the same order, and all are in the same epoch")
  void everyDeviceDecryptsEverythingInOrder() {
    dm = await(a1.client().e2ee().openDirect(b1.device().userId()));
    group = await(a1.client().e2ee().createGroup("e2ee-it",
        List.of(b1.device().userId(), c1.device().userId())));
    List<Dev> dmDevices = List.of(a1, a2, b1, b2);
    List<Dev> all = List.of(a1, a2, b1, b2, c1, c2);

    List<io.vertx.core.Future<?>> sends = new ArrayList<>();
    for (int round = 0; round < 3; round++) {
      for (Dev d : all) {
        sends.add(d.client().send(group, "application", ("g " + d.name() + " " + round).getBytes(StandardCharsets.UTF_8)));
      }
      for (Dev d : dmDevices) {
        sends.add(d.client().send(dm, "application", ("d " + d.name() + " " + round).getBytes(StandardCharsets.UTF_8)));
      }
    }
    await(io.vertx.core.Future.all(sends));
    allSee(group, all, 18);
    allSee(dm, dmDevices, 12);
    for (Dev d : all) {
      assertThat(d.texts(group)).as(d.name() + " sees the group as a1 does").isEqualTo(a1.texts(group));
      assertThat(d.undecryptable()).as(d.name() + " could decrypt everything").isEmpty();
      assertThat(d.epochAuth(group)).isEqualTo(a1.epochAuth(group)).isNotEqualTo("none");
    }
    for (Dev d : dmDevices) {
      assertThat(d.texts(dm)).as(d.name() + " sees the DM as a1 does").isEqualTo(a1.texts(dm));
    }
    assertThat(a1.texts(group)).hasSize(18).anyMatch(t -> t.endsWith("g c2 2"));
    assertThat(c1.texts(dm)).isEmpty();
  }

  @Test
  @Order(2)
  @DisplayName("a new device of a member joins both channels by external commit within seconds and reads new "
      + "messages; it cannot read what came before")
  void newDeviceJoinsExternally() {
    Dev a3 = connect("a3", fx.device(a1.device().userId()), "e2-gw-b");
    // Joined once the others applied a3's external commits (a3 holds its new sessions from the start).
    eventually(Duration.ofSeconds(20), () -> b2.groupMembers(group).contains(a3.device().deviceId())
        && b1.groupMembers(dm).contains(a3.device().deviceId()), () -> "a3 did not join");
    send(b2, group, "after a3 joined");
    send(b1, dm, "dm after a3 joined");
    eventually(Duration.ofSeconds(20), () -> a3.texts(group).stream().anyMatch(t -> t.endsWith("after a3 joined"))
        && a3.texts(dm).stream().anyMatch(t -> t.endsWith("dm after a3 joined")), () -> "a3 has " + a3.texts(group));
    assertThat(a3.texts(group)).hasSize(1);
    allSee(group, List.of(a1, a2, b1, b2, c1, c2), 19);
    assertThat(a3.epochAuth(group)).isEqualTo(c2.epochAuth(group));
  }

  @Test
  @Order(3)
  @DisplayName("a deleted device is removed by the first online member's commit without being asked; with the state "
      + "it held before, it cannot decrypt what is sent afterwards")
  void removedDeviceCannotDecrypt() throws Exception {
    Path copy = copyState(a2);
    long before = await(b1.client().e2ee().epoch(group));
    status(fx.restUrl(), "DELETE", "/v1/devices/" + a2.device().deviceId(), a1.device().token(), 204);
    for (Dev d : List.of(a1, b1, b2, c1, c2)) {
      eventually(Duration.ofSeconds(30), () -> !d.groupMembers(group).contains(a2.device().deviceId())
          && !d.groupMembers(dm).contains(a2.device().deviceId()), () -> d.name() + " still has a2's leaf");
    }
    assertThat(await(b1.client().e2ee().epoch(group))).isGreaterThan(before);
    send(b1, group, "secret after a2 was removed");
    allSee(group, List.of(a1, c2), 20);
    byte[] captured = ciphertextOf(group, "secret after a2 was removed", b1);
    assertCannotDecrypt(copy, a2, group, captured, "secret after a2 was removed");
  }

  @Test
  @Order(4)
  @DisplayName("a removed member cannot decrypt captured ciphertext sent after the removal, and gets nothing")
  void removedMemberCannotDecrypt() throws Exception {
    Path copy = copyState(c1);
    await(a1.client().e2ee().removeMember(group, c1.device().userId()));
    for (Dev d : List.of(a1, b1, b2)) {
      eventually(Duration.ofSeconds(30), () -> !d.groupMembers(group).contains(c1.device().deviceId())
          && !d.groupMembers(group).contains(c2.device().deviceId()), () -> d.name() + " still has c's leaves");
    }
    send(b2, group, "secret after c was removed");
    allSee(group, List.of(a1, b1), 21);
    byte[] captured = ciphertextOf(group, "secret after c was removed", b2);
    assertCannotDecrypt(copy, c1, group, captured, "secret after c was removed");
    assertThat(c1.texts(group)).noneMatch(t -> t.contains("secret after c"));
    assertThat(c2.texts(group)).noneMatch(t -> t.contains("secret after c"));
  }

  @Test
  @Order(5)
  @DisplayName("two devices commit on the same epoch: one wins, the other catches up and finds nothing left to do; "
      + "every device ends in the same epoch")
  void concurrentCommitsConverge() {
    MessagePathFixture.Device ud = fx.user();
    Dev d1 = connect("d1", ud, "e2-gw-a");
    Dev d2 = connect("d2", fx.device(ud.userId()), "e2-gw-b");
    status(fx.restUrl(), "POST", "/v1/channels/" + group + "/members", a1.device().token(), 201,
        new io.vertx.core.json.JsonObject().put("userId", ud.userId().toString()));
    long before = await(a1.client().e2ee().epoch(group));
    io.vertx.core.Future<Void> fromA = a1.client().e2ee().addMemberDevices(group, ud.userId());
    io.vertx.core.Future<Void> fromB = b1.client().e2ee().addMemberDevices(group, ud.userId());
    await(io.vertx.core.Future.all(fromA, fromB));
    List<Dev> members = List.of(a1, b1, b2, d1, d2);
    eventually(Duration.ofSeconds(30), () -> members.stream().map(d -> d.epochAuth(group)).distinct().count() == 1
        && !"none".equals(d1.epochAuth(group)), () -> "epochs differ");
    assertThat(await(a1.client().e2ee().epoch(group))).as("one commit won")
        .isEqualTo(before + 1);
    send(d2, group, "hello from d2");
    allSee(group, List.of(a1, b1, b2), 22);
    eventually(Duration.ofSeconds(30), () -> !d1.texts(group).isEmpty(), () -> "d1 got nothing");
    assertThat(d1.texts(group)).containsExactly(a1.texts(group).get(a1.texts(group).size() - 1));
  }

  @Test
  @Order(6)
  @DisplayName("a DM with a peer who has no device keys yet: the peer's device gets into the group when it first "
      + "connects, and both read what is sent afterwards")
  void peerWithoutKeyPackagesJoinsLater() {
    MessagePathFixture.Device ue = fx.user();
    UUID late = await(a1.client().e2ee().openDirect(ue.userId()));
    // The group holds at most a's own devices for now (a BC 1.84 group cannot be committed with one leaf alone).
    assertThat(await(a1.client().e2ee().groupMembers(late))).doesNotContain(ue.deviceId());
    Dev e1 = connect("e1", ue, "e2-gw-b");
    eventually(Duration.ofSeconds(30), () -> await(a1.client().e2ee().groupMembers(late)).contains(ue.deviceId())
        && await(e1.client().e2ee().epoch(late)) >= 1, () -> "e1's device did not get into the DM's group");
    send(a1, late, "hello e");
    send(e1, late, "hello a");
    eventually(Duration.ofSeconds(30), () -> e1.texts(late).size() == 2 && a1.texts(late).size() == 2,
        () -> "e1 " + e1.texts(late) + " a1 " + a1.texts(late));
    assertThat(e1.texts(late)).isEqualTo(a1.texts(late));
  }

  // ---- helpers

  private static Path copyState(Dev d) throws Exception {
    Path copy = stateRoot.resolve(d.name() + "-copy-" + UUID.randomUUID());
    try (var files = Files.walk(d.stateDir())) {
      for (Path p : files.toList()) {
        Files.copy(p, copy.resolve(d.stateDir().relativize(p).toString()));
      }
    }
    return copy;
  }

  /** The ciphertext of a message as the log holds it (read by a member through history). */
  private static byte[] ciphertextOf(UUID channel, String text, Dev sender) {
    long seq = sender.received().stream().filter(m -> m.channelId().equals(channel)
        && text.equals(new String(m.payload(), StandardCharsets.UTF_8))).findFirst().orElseThrow().seq();
    RestApi rest = new RestApi(WebClient.create(fx.vertx), fx.restUrl());
    Message m = await(rest.history(a1.device().token(), channel, seq - 1, seq + 1)).get(0);
    assertThat(new String(m.payload(), StandardCharsets.ISO_8859_1)).doesNotContain(text);
    return m.payload();
  }

  /** Restores the device's MLS state as it was before its removal and tries to decrypt: it must fail. */
  private static void assertCannotDecrypt(Path copy, Dev d, UUID channel, byte[] ciphertext, String text) {
    StateDir state = new StateDir(copy);
    Map<UUID, byte[]> known = state.readKnownKeys();
    MlsDevice device = MlsDevice.restore(state.readDevice().orElseThrow(), id -> Optional.ofNullable(known.get(id)),
        Clock.systemUTC(), new SecureRandom(), Duration.ofDays(30));
    ChannelSession session = device.restoreSession(state.readSession(channel).orElseThrow());
    assertThat(session.members()).as(d.name() + "'s old state still had it in the group").contains(d.device().deviceId());
    assertThatThrownBy(() -> session.decrypt(ciphertext)).as(d.name() + " decrypting after its removal")
        .isInstanceOf(MlsException.class);
    assertThat(d.texts(channel)).noneMatch(t -> t.contains(text));
  }

  private static void status(String base, String method, String path, String token, int expected) {
    status(base, method, path, token, expected, null);
  }

  private static void status(String base, String method, String path, String token, int expected,
                             io.vertx.core.json.JsonObject body) {
    var req = WebClient.create(fx.vertx).requestAbs(io.vertx.core.http.HttpMethod.valueOf(method), base + path)
        .bearerTokenAuthentication(token);
    var response = await(body == null ? req.send() : req.sendJsonObject(body));
    assertThat(response.statusCode()).as(method + " " + path + ": " + response.bodyAsString()).isEqualTo(expected);
  }

  static String hex(byte[] b) {
    return Arrays.toString(b);
  }
}
