package dev.parley.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's E2EE flows against {@link FakeDeliveryService} (the real cluster: the node module's E2eeIT). */
@DisplayName("ParleyClient with E2EE")
class E2eeClientTest {
  @TempDir
  Path dir;
  private Vertx vertx;
  private Vertx serverVertx;
  private FakeDeliveryService ds;
  private int port;
  private final List<ParleyClient> clients = new ArrayList<>();

  record Dev(String name, UUID user, UUID device, ParleyClient client, List<Message> received,
             List<Message> undecryptable) {
    List<String> texts(UUID channel) {
      return received.stream().filter(m -> m.channelId().equals(channel))
          .map(m -> m.seq() + ":" + new String(m.payload(), StandardCharsets.UTF_8)).toList();
    }

    String auth(UUID channel) {
      return await(client.e2ee().epochAuthenticator(channel)).map(HexFormat.of()::formatHex).orElse("none");
    }
  }

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    serverVertx = Vertx.vertx();
    ds = new FakeDeliveryService();
    port = await(serverVertx.executeBlocking(() -> ds.start(serverVertx)));
  }

  @AfterEach
  void stop() throws Exception {
    for (ParleyClient c : clients) {
      c.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    serverVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private Dev dev(String name, UUID user) {
    return dev(name, user, UUID.randomUUID());
  }

  private Dev dev(String name, UUID user, UUID device) {
    ds.device(user, device);
    List<Message> received = new CopyOnWriteArrayList<>();
    List<Message> undecryptable = new CopyOnWriteArrayList<>();
    ParleyClient client = ParleyClient.create(vertx, new ParleyClient.Options(List.of("ws://127.0.0.1:" + port + "/ws"),
            "http://127.0.0.1:" + port, user, device, user + ":" + device))
        .enableE2ee(dir.resolve(device.toString())).onMessage(received::add)
        .onUndecryptable((m, err) -> undecryptable.add(m));
    clients.add(client);
    await(client.connect());
    return new Dev(name, user, device, client, received, undecryptable);
  }

  @Test
  @DisplayName("a group of two users with three devices: everyone decrypts everything in one order and shares the "
      + "epoch; a member's new device joins externally and reads what follows; a restarted device resumes")
  void groupLifecycle() {
    UUID alice = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    Dev a1 = dev("a1", alice);
    Dev a2 = dev("a2", alice);
    Dev b1 = dev("b1", bob);
    UUID group = await(a1.client().e2ee().createGroup("g", List.of(bob)));
    List<Future<Ack>> sends = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      for (Dev d : List.of(a1, a2, b1)) {
        sends.add(d.client().send(group, "application", (d.name() + "-" + i).getBytes(StandardCharsets.UTF_8)));
      }
    }
    await(Future.all(sends));
    for (Dev d : List.of(a1, a2, b1)) {
      eventually(() -> d.texts(group).size() == 9, () -> d.name() + ": " + d.texts(group) + " undecryptable "
          + d.undecryptable());
      assertThat(d.texts(group)).isEqualTo(a1.texts(group));
      assertThat(d.auth(group)).isEqualTo(a1.auth(group)).isNotEqualTo("none");
    }

    Dev a3 = dev("a3", alice);
    // Joined once the other devices applied a3's external commit (a3 holds its new session from the start).
    eventually(() -> await(b1.client().e2ee().groupMembers(group)).contains(a3.device()), () -> "a3 did not join");
    await(b1.client().send(group, "application", "after a3".getBytes(StandardCharsets.UTF_8)));
    eventually(() -> a3.texts(group).size() == 1, () -> "a3: " + a3.texts(group) + " " + a3.undecryptable());
    eventually(() -> a1.texts(group).size() == 10, () -> "a1: " + a1.texts(group));
    assertThat(a3.auth(group)).isEqualTo(a1.auth(group));

    await(a2.client().close());
    Dev a2again = dev("a2'", alice, a2.device());
    await(b1.client().send(group, "application", "after restart".getBytes(StandardCharsets.UTF_8)));
    eventually(() -> a2again.texts(group).stream().anyMatch(t -> t.endsWith("after restart")),
        () -> "a2 after restart: " + a2again.texts(group) + " " + a2again.undecryptable());
  }

  @Test
  @DisplayName("two devices commit on the same epoch: one is refused stale_epoch, catches up, finds nothing left "
      + "to add; all end in one epoch and messages still flow")
  void concurrentCommits() {
    UUID alice = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    UUID dave = UUID.randomUUID();
    Dev a1 = dev("a1", alice);
    Dev b1 = dev("b1", bob);
    UUID group = await(a1.client().e2ee().createGroup("g", List.of(bob)));
    await(b1.client().send(group, "application", "hi".getBytes(StandardCharsets.UTF_8)));
    eventually(() -> a1.texts(group).size() == 1, () -> "a1: " + a1.texts(group));
    Dev d1 = dev("d1", dave);
    Dev d2 = dev("d2", dave);
    await(new RestApi(io.vertx.ext.web.client.WebClient.create(vertx), "http://127.0.0.1:" + port)
        .addMember(alice + ":" + a1.device(), group, dave));
    Future<Void> fromA = a1.client().e2ee().addMemberDevices(group, dave);
    Future<Void> fromB = b1.client().e2ee().addMemberDevices(group, dave);
    await(Future.all(fromA, fromB));
    assertThat(ds.refusals).anyMatch(e -> "stale_epoch".equals(e.getString("code")));
    assertThat(await(a1.client().e2ee().epoch(group))).as("one commit won").isEqualTo(2);
    for (Dev d : List.of(a1, b1, d1, d2)) {
      eventually(() -> d.auth(group).equals(a1.auth(group)), () -> d.name() + " in another epoch");
    }
    await(d2.client().send(group, "application", "from d2".getBytes(StandardCharsets.UTF_8)));
    for (Dev d : List.of(a1, b1, d1)) {
      eventually(() -> d.texts(group).stream().anyMatch(t -> t.endsWith("from d2")), () -> d.name() + ": "
          + d.texts(group));
    }
  }

  @Test
  @DisplayName("a removed member's devices leave the group by the remaining members' commit; with the state they "
      + "held, they cannot decrypt what is sent afterwards")
  void removedMemberCannotDecrypt() throws Exception {
    UUID alice = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    UUID carol = UUID.randomUUID();
    Dev a1 = dev("a1", alice);
    Dev b1 = dev("b1", bob);
    Dev c1 = dev("c1", carol);
    UUID group = await(a1.client().e2ee().createGroup("g", List.of(bob, carol)));
    await(c1.client().send(group, "application", "from c1".getBytes(StandardCharsets.UTF_8)));
    eventually(() -> b1.texts(group).size() == 1, () -> "b1: " + b1.texts(group));
    Path copy = dir.resolve("c1-copy");
    java.nio.file.Files.createDirectories(copy.resolve("sessions"));
    java.nio.file.Files.copy(dir.resolve(c1.device().toString()).resolve("sessions").resolve(group + ".bin"),
        copy.resolve("sessions").resolve(group + ".bin"));
    java.nio.file.Files.copy(dir.resolve(c1.device().toString()).resolve("device.bin"), copy.resolve("device.bin"));
    java.nio.file.Files.copy(dir.resolve(c1.device().toString()).resolve("known-keys"), copy.resolve("known-keys"));

    await(a1.client().e2ee().removeMember(group, carol));
    eventually(() -> !await(b1.client().e2ee().groupMembers(group)).contains(c1.device()), () -> "c1 still in");
    await(b1.client().send(group, "application", "secret".getBytes(StandardCharsets.UTF_8)));
    eventually(() -> a1.texts(group).size() == 2, () -> "a1: " + a1.texts(group));
    byte[] captured = await(new RestApi(io.vertx.ext.web.client.WebClient.create(vertx), "http://127.0.0.1:" + port)
        .history(alice + ":" + a1.device(), group, 0, 0)).stream()
        .filter(m -> "application".equals(m.kind())).reduce((x, y) -> y).orElseThrow().payload();
    dev.parley.client.e2ee.StateDir state = new dev.parley.client.e2ee.StateDir(copy);
    java.util.Map<UUID, byte[]> known = state.readKnownKeys();
    dev.parley.mls.MlsDevice old = dev.parley.mls.MlsDevice.restore(state.readDevice().orElseThrow(),
        id -> java.util.Optional.ofNullable(known.get(id)), java.time.Clock.systemUTC(),
        new java.security.SecureRandom(), Duration.ofDays(30));
    dev.parley.mls.ChannelSession session = old.restoreSession(state.readSession(group).orElseThrow());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> session.decrypt(captured))
        .isInstanceOf(dev.parley.mls.MlsException.class);
    assertThat(c1.texts(group)).noneMatch(t -> t.endsWith("secret"));
  }

  @Test
  @DisplayName("a group whose other member has no device yet: no group until one connects, a send says why; the "
      + "peer's device makes the group when it connects and both read what follows")
  void peerWithoutKeyPackages() {
    UUID alice = UUID.randomUUID();
    UUID bob = UUID.randomUUID();
    Dev a1 = dev("a1", alice);
    UUID channel = await(a1.client().e2ee().createGroup("later", List.of(bob)));
    assertThat(await(a1.client().e2ee().epoch(channel))).isEqualTo(-1);
    Throwable refused = a1.client().send(channel, "application", "too early".getBytes(StandardCharsets.UTF_8))
        .toCompletionStage().toCompletableFuture().handle((ok, err) -> err).join();
    assertThat(refused).hasMessageContaining("no MLS group yet");

    Dev b1 = dev("b1", bob);
    eventually(() -> await(a1.client().e2ee().epoch(channel)) == 1, () -> "a1 not in the group b1 made");
    await(a1.client().send(channel, "application", "hello bob".getBytes(StandardCharsets.UTF_8)));
    await(b1.client().send(channel, "application", "hello alice".getBytes(StandardCharsets.UTF_8)));
    eventually(() -> b1.texts(channel).size() == 2 && a1.texts(channel).size() == 2,
        () -> "a1 " + a1.texts(channel) + " b1 " + b1.texts(channel));
    assertThat(a1.texts(channel)).isEqualTo(b1.texts(channel));
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("failed or timed out: " + e, e);
    }
  }

  static void eventually(BooleanSupplier condition, java.util.function.Supplier<String> what) {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(deadline)) {
      if (condition.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("not within 20 s: " + what.get());
  }
}
