package dev.parley.node;

import dev.parley.mls.ChannelSession;
import dev.parley.mls.CommitSummary;
import dev.parley.mls.DeviceIdentity;
import dev.parley.mls.MlsDevice;
import dev.parley.mls.PendingCommit;
import dev.parley.node.MessagePathFixture.Device;
import dev.parley.protocol.Envelope;
import dev.parley.shared.deps.Dependency;
import dev.parley.shared.deps.DependencyClients;
import dev.parley.stores.messages.MessageReads;
import dev.parley.stores.messages.MessageTable;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static dev.parley.node.MessagePathFixture.await;
import static dev.parley.node.MessagePathFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The message role as MLS Delivery Service through real node JVMs (gateway → Kafka → message node, mls.required
 * true): real MLS devices commit and talk over raw WebSockets; the message node is killed (-9) during a stream of
 * commits and the log still holds one history — each epoch committed exactly once, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("MLS Delivery Service through gateway and message node JVMs (mls.required true)")
class MlsDeliveryNodeIT {
  private static final Base64.Encoder B64 = Base64.getEncoder();
  private static MessagePathFixture fx;
  private static final Map<UUID, byte[]> directory = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    fx = new MessagePathFixture(28_431);
    NodeProcess gw = fx.startGateway("mls-gw", new JsonObject());
    NodeProcess msg = startMessage("mls-msg1");
    fx.awaitReady(gw, msg);
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  private static NodeProcess startMessage(String id) throws Exception {
    NodeProcess n = NodeProcess.start(id, fx.cluster, fx.hzPort, List.of("message"), fx.nodeConf(NodeProcess.freePort(),
        new JsonObject().put("mls", new JsonObject().put("required", true))));
    fx.nodes.put(id, n);
    return n;
  }

  /** A device registered with its MLS key (directly in PostgreSQL, as the key directory does). */
  private static MlsDevice mls(Device d) {
    DeviceIdentity identity = DeviceIdentity.generate(d.deviceId());
    directory.put(d.deviceId(), identity.signaturePublicKey());
    await(fx.pg().preparedQuery("INSERT INTO device_keys (device_id, user_id, signature_key, registered_at) "
        + "VALUES ($1, $2, $3, $4)").execute(Tuple.of(d.deviceId(), d.userId(),
        Buffer.buffer(identity.signaturePublicKey()), OffsetDateTime.now())));
    return new MlsDevice(identity, id -> Optional.ofNullable(directory.get(id)), Clock.systemUTC(),
        new SecureRandom(), Duration.ofDays(30));
  }

  /** A raw WebSocket to the gateway and every frame it received. */
  private record Socket(WebSocket ws, List<JsonObject> frames) {
    static Socket open(Device d) {
      List<JsonObject> frames = new CopyOnWriteArrayList<>();
      WebSocketConnectOptions options = new WebSocketConnectOptions().setAbsoluteURI(fx.wsUrl("mls-gw"))
          .addHeader("Authorization", "Bearer " + d.token());
      WebSocket ws = MessagePathFixture.await(fx.vertx.createWebSocketClient().connect(options));
      ws.textMessageHandler(text -> frames.add(new JsonObject(text)));
      Socket s = new Socket(ws, frames);
      s.expect(f -> "ready".equals(f.getString("type")));
      return s;
    }

    void send(JsonObject frame) {
      MessagePathFixture.await(ws.writeTextMessage(frame.encode()));
    }

    JsonObject expect(Predicate<JsonObject> match) {
      eventually(Duration.ofSeconds(90), () -> frames.stream().anyMatch(match), () -> "a frame; got " + frames);
      return frames.stream().filter(match).findFirst().orElseThrow();
    }

    /** Sends {@code frame} until its ack or an error for its clientMsgId comes back (a node may be down). */
    JsonObject sendUntilAnswered(JsonObject frame) {
      String id = frame.getString("clientMsgId");
      Predicate<JsonObject> answer = f -> id.equals(f.getString("clientMsgId"))
          && ("ack".equals(f.getString("type")) || "error".equals(f.getString("type")));
      Instant deadline = Instant.now().plusSeconds(120);
      while (Instant.now().isBefore(deadline)) {
        send(frame);
        Instant resend = Instant.now().plusSeconds(5);
        while (Instant.now().isBefore(resend)) {
          Optional<JsonObject> got = frames.stream().filter(answer).findFirst();
          if (got.isPresent()) {
            return got.get();
          }
          NodeProcess.pause(50);
        }
      }
      throw new AssertionError("no answer to " + id + "; frames " + frames);
    }
  }

  private static JsonObject commitFrame(UUID channel, String id, PendingCommit c) {
    JsonObject frame = new JsonObject().put("type", "send").put("channelId", channel.toString()).put("clientMsgId", id)
        .put("kind", "commit").put("payload", B64.encodeToString(c.commit()))
        .put("groupInfo", B64.encodeToString(c.groupInfo())).put("ratchetTree", B64.encodeToString(c.ratchetTree()));
    return c.welcome() == null ? frame : frame.put("welcome", B64.encodeToString(c.welcome()));
  }

  private static JsonObject appFrame(UUID channel, String id, byte[] payload) {
    return new JsonObject().put("type", "send").put("channelId", channel.toString()).put("clientMsgId", id)
        .put("kind", "application").put("payload", B64.encodeToString(payload));
  }

  @Test
  @Order(1)
  @DisplayName("group creation, welcome frame, encrypted messages; opaque payloads and a replayed commit refused")
  void createJoinTalk() {
    Device a = fx.user();
    Device b = fx.user();
    UUID channel = fx.channel(a, List.of(a, b));
    MlsDevice alice = mls(a);
    MlsDevice bob = mls(b);
    Socket as = Socket.open(a);
    Socket bs = Socket.open(b);

    JsonObject plain = as.sendUntilAnswered(appFrame(channel, "p-1", "hello".getBytes(StandardCharsets.UTF_8)));
    assertThat(plain.getString("code")).isEqualTo("mls_malformed");

    ChannelSession aliceSession = alice.createGroup(channel);
    PendingCommit add = aliceSession.add(List.of(bob.newOneTimeKeyPackages(1).get(0).message()));
    JsonObject ack = as.sendUntilAnswered(commitFrame(channel, "k-1", add));
    assertThat(ack.getString("type")).as("%s", ack).isEqualTo("ack");
    assertThat(ack.getLong("seq")).isEqualTo(1);
    aliceSession.handle(add.commit());
    JsonObject welcome = bs.expect(f -> "welcome".equals(f.getString("type")));
    assertThat(welcome.getLong("epoch")).isEqualTo(1);
    assertThat(welcome.getLong("seq")).isEqualTo(1);
    ChannelSession bobSession = bob.joinFromWelcome(channel, Base64.getDecoder().decode(welcome.getString("welcome")),
        add.ratchetTree());
    assertThat(bobSession.epochAuthenticator()).isEqualTo(aliceSession.epochAuthenticator());

    JsonObject hi = bs.sendUntilAnswered(appFrame(channel, "m-1", bobSession.encrypt(utf8("hi alice"))));
    assertThat(hi.getString("type")).as("%s", hi).isEqualTo("ack");
    JsonObject msg = as.expect(f -> "msg".equals(f.getString("type")) && "m-1".equals(f.getString("clientMsgId")));
    assertThat(new String(aliceSession.decrypt(Base64.getDecoder().decode(msg.getString("payload"))).plaintext(),
        StandardCharsets.UTF_8)).isEqualTo("hi alice");

    JsonObject replay = as.sendUntilAnswered(commitFrame(channel, "k-replay", add));
    assertThat(replay.getString("code")).isEqualTo("stale_epoch");
    assertThat(replay.getLong("epoch")).isEqualTo(1);
  }

  @Test
  @Order(2)
  @DisplayName("kill -9 of the message node during a stream of commits: every commit acked once, one epoch each, "
      + "in order, no fork")
  void killDuringCommits() throws Exception {
    Device a = fx.user();
    Device b = fx.user();
    Device c = fx.user();
    UUID channel = fx.channel(a, List.of(a, b, c));
    MlsDevice alice = mls(a);
    MlsDevice bob = mls(b);
    MlsDevice carol = mls(c);
    Socket as = Socket.open(a);
    Socket bs = Socket.open(b);
    ChannelSession session = alice.createGroup(channel);
    PendingCommit first = session.add(List.of(bob.newOneTimeKeyPackages(1).get(0).message()));
    assertThat(as.sendUntilAnswered(commitFrame(channel, "s-0", first)).getString("type")).isEqualTo("ack");
    session.handle(first.commit());

    int commits = 8;
    PendingCommit stale = null;
    for (int i = 1; i <= commits; i++) {
      PendingCommit next = i % 2 == 1 ? session.add(List.of(carol.newOneTimeKeyPackages(1).get(0).message()))
          : session.remove(Set.of(c.deviceId()));
      JsonObject frame = commitFrame(channel, "s-" + i, next);
      as.send(frame);
      if (i == 3) {
        fx.nodes.get("mls-msg1").kill();
        NodeProcess restarted = startMessage("mls-msg2");
        fx.awaitReady(restarted);
      }
      JsonObject answer = as.sendUntilAnswered(frame);
      assertThat(answer.getString("type")).as("commit %d: %s", i, answer).isEqualTo("ack");
      assertThat(answer.getLong("seq")).isEqualTo(i + 1);
      stale = stale == null ? next : stale;
      session.handle(next.commit());
    }
    // A commit of an epoch long gone, sent again by another device: refused, the history does not fork.
    JsonObject forked = bs.sendUntilAnswered(commitFrame(channel, "fork-1", stale));
    assertThat(forked.getString("code")).isIn("stale_epoch", "mls_forged_sender");

    DependencyClients deps = DependencyClients.create(fx.vertx, fx.config, EnumSet.of(Dependency.CASSANDRA));
    try {
      MessageReads reads = await(new MessageReads(deps.cassandra(), new MessageTable(fx.config.cassandra().keyspace(),
          fx.config.cassandra().messageBucketSize())).prepare());
      List<Envelope> stored = await(reads.range(channel, 1, 1_000));
      assertThat(stored).extracting(Envelope::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
      List<Long> epochs = new ArrayList<>();
      stored.forEach(e -> epochs.add(CommitSummary.of(e.payload()).epoch()));
      assertThat(epochs).as("one commit per epoch, in order").containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    } finally {
      await(deps.close());
    }
    List<Long> kept = new ArrayList<>();
    await(fx.pg().preparedQuery("SELECT epoch FROM mls_epochs WHERE channel_id = $1 ORDER BY epoch")
        .execute(Tuple.of(channel))).forEach(r -> kept.add(r.getLong(0)));
    assertThat(kept).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
