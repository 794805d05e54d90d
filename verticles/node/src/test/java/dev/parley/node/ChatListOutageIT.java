package dev.parley.node;

import dev.parley.client.Ack;
import dev.parley.node.MessagePathFixture.Conn;
import dev.parley.node.MessagePathFixture.Device;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.parley.node.MessagePathFixture.await;
import static dev.parley.node.MessagePathFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12 fault C: after an outage of Kafka or of the message node under load on several DMs, every live device —
 * the sender, the receiver and the receiver's second device — ends with a correct chat list without reloading:
 * its newest {@code chat} frame of each channel shows the channel's final seq and the device user's unread count,
 * and the REST chat list agrees. The Kafka test kills the shared Kafka (run it under {@code flock -x
 * /tmp/parley-infra.lock}) and starts it again with {@code scripts/infra}; see {@link Infra} for services started
 * from another checkout.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChatListOutageIT {
  private static final Duration WAIT = Duration.ofSeconds(150);
  private static final int CHANNELS = 4;
  private static final int SENDS = 320;
  private static MessagePathFixture fx;

  /** One DM under load: A on gw1, B on gw2 and B's second device on gw1; A and B take turns sending. */
  private record Dm(UUID channel, Conn sender, Conn receiver, Conn receiver2) {
  }

  @BeforeAll
  static void start() throws Exception {
    fx = new MessagePathFixture(26_975);
    NodeProcess gw1 = fx.startGateway("co-gw1", new JsonObject());
    NodeProcess gw2 = fx.startGateway("co-gw2", new JsonObject());
    NodeProcess msg = fx.startMessage("co-msg1");
    NodeProcess api = fx.startApi("co-api");
    fx.awaitReady(gw1, gw2, msg, api);
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  @Order(1)
  @DisplayName("kill -9 of the message node under load: every live device's chat list ends right")
  void messageNodeKilled() throws Exception {
    List<Dm> dms = dms("mn");
    Map<UUID, Long> own = sendUnderFault(dms, "mn", () -> fx.nodes.get("co-msg1").kill(), () -> {
      NodeProcess again = fx.startMessage("co-msg2");
      fx.awaitReady(again);
    });
    assertChatListsRight(dms, own);
  }

  @Test
  @Order(2)
  @DisplayName("kill -9 of Kafka under load: every live device's chat list ends right")
  void kafkaKilled() throws Exception {
    List<Dm> dms = dms("kf");
    boolean restarted = false;
    Map<UUID, Long> own;
    try {
      own = sendUnderFault(dms, "kf", () -> Infra.kill("kafka"), () -> Infra.start("kafka"));
      restarted = true;
    } finally {
      if (!restarted) {
        Infra.start("kafka");
      }
    }
    assertChatListsRight(dms, own);
    assertThat(Infra.script("status", "kafka")).as("Kafka left running and ready").isZero();
  }

  private interface Step {
    void run() throws Exception;
  }

  private static List<Dm> dms(String prefix) {
    List<Dm> dms = new ArrayList<>();
    for (int c = 0; c < CHANNELS; c++) {
      Device a = fx.user();
      Device b = fx.user();
      Device b2 = fx.device(b.userId());
      UUID channel = fx.channel(a, List.of(a, b));
      dms.add(new Dm(channel, fx.connect(a, "co-gw1", "co-gw2"), fx.connect(b, "co-gw2", "co-gw1"),
          fx.connect(b2, "co-gw1", "co-gw2")));
    }
    return dms;
  }

  /** Sends {@link #SENDS} round-robin over the DMs, faults after the first third is acked, recovers after the rest. */
  private static Map<UUID, Long> sendUnderFault(List<Dm> dms, String prefix, Step fault, Step recover)
      throws Exception {
    List<Future<Ack>> acks = new ArrayList<>();
    Map<Future<Ack>, UUID> sender = new HashMap<>();
    for (int i = 0; i < SENDS; i++) {
      Dm dm = dms.get(i % CHANNELS);
      String id = prefix + "-" + i;
      boolean a = i / CHANNELS % 2 == 0;
      Conn from = a ? dm.sender() : dm.receiver();
      Future<Ack> ack = from.client().send(dm.channel(), id, "application", id.getBytes(StandardCharsets.UTF_8));
      acks.add(ack);
      sender.put(ack, from.device().userId());
      if (i == SENDS / 3) {
        await(Future.all(new ArrayList<>(acks)).timeout(WAIT.toSeconds(), TimeUnit.SECONDS));
        fault.run();
      }
      NodeProcess.pause(10);
    }
    recover.run();
    await(Future.all(new ArrayList<>(acks)).timeout(WAIT.toSeconds(), TimeUnit.SECONDS));
    // Each user's newest own seq per channel (key: channel ^ user): own messages are read, the rest unread.
    Map<UUID, Long> ownNewest = new HashMap<>();
    acks.forEach(f -> ownNewest.merge(key(f.result().channelId(), sender.get(f)), f.result().seq(), Math::max));
    return ownNewest;
  }

  private static UUID key(UUID channel, UUID user) {
    return new UUID(channel.getMostSignificantBits() ^ user.getMostSignificantBits(),
        channel.getLeastSignificantBits() ^ user.getLeastSignificantBits());
  }

  /** The chat frame of {@code channel} with the highest lastSeq (the last such), or null. */
  private static JsonObject newestChat(Conn c, UUID channel) {
    JsonObject newest = null;
    for (JsonObject f : c.frames()) {
      if ("chat".equals(f.getString("type")) && channel.toString().equals(f.getString("channelId"))
          && (newest == null || f.getLong("lastSeq") >= newest.getLong("lastSeq"))) {
        newest = f;
      }
    }
    return newest;
  }

  private static String describe(JsonObject f) {
    return f == null ? "no chat frame" : "lastSeq " + f.getLong("lastSeq") + ", unread " + f.getLong("unread");
  }

  private static void assertChatListsRight(List<Dm> dms, Map<UUID, Long> ownNewest) {
    long expected = SENDS / CHANNELS;
    WebClient web = WebClient.create(fx.vertx);
    for (Dm dm : dms) {
      for (Conn c : List.of(dm.sender(), dm.receiver(), dm.receiver2())) {
        long unread = expected - ownNewest.getOrDefault(key(dm.channel(), c.device().userId()), 0L);
        eventually(WAIT, () -> {
          JsonObject f = newestChat(c, dm.channel());
          return f != null && f.getLong("lastSeq") == expected && f.getLong("unread") == unread;
        }, () -> c.device() + ": newest chat frame of " + dm.channel() + " says " + describe(newestChat(c, dm.channel()))
            + ", expected lastSeq " + expected + ", unread " + unread);
        JsonObject rest = await(web.requestAbs(HttpMethod.GET, fx.restUrl() + "/v1/chats/" + dm.channel())
            .bearerTokenAuthentication(c.device().token()).send()).bodyAsJsonObject();
        assertThat(rest.getLong("lastSeq")).as("REST lastSeq of %s", c.device()).isEqualTo(expected);
        assertThat(rest.getLong("unread")).as("REST unread of %s", c.device()).isEqualTo(unread);
      }
      assertThat(dm.receiver().violations()).as("forks or broken chains").isEmpty();
    }
  }
}
