package dev.parley.node;

import dev.parley.client.Ack;
import dev.parley.client.Message;
import dev.parley.client.RestApi;
import dev.parley.node.MessagePathFixture.Conn;
import dev.parley.node.MessagePathFixture.Device;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static dev.parley.node.MessagePathFixture.await;
import static dev.parley.node.MessagePathFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of Cassandra while messages flow over several DMs, then {@code scripts/infra start cassandra}: every
 * acknowledged message is in history under the seq and msgId its ack named, nothing is stored twice, no seq was
 * handed out twice (the receivers' clients report no fork), and history is gapless and chained. Needs the services
 * to itself (run it under an exclusive lock); see {@link Infra} for services started from another checkout.
 */
class CassandraCrashIT {
  private static final Duration WAIT = Duration.ofSeconds(150);
  private static final int CHANNELS = 6;
  private static final int SENDS = 240;
  private static MessagePathFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = new MessagePathFixture(26_951);
    NodeProcess gw1 = fx.startGateway("cc-gw1", new JsonObject());
    NodeProcess gw2 = fx.startGateway("cc-gw2", new JsonObject());
    NodeProcess msg = fx.startMessage("cc-msg1");
    NodeProcess api = fx.startApi("cc-api"); // serves history (the clients' gap fills)
    fx.awaitReady(gw1, gw2, msg, api);
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  @DisplayName("kill -9 of Cassandra under load loses no acknowledged message and reuses no seq")
  void cassandraKilledUnderLoad() throws Exception {
    List<UUID> channels = new ArrayList<>();
    List<Conn> senders = new ArrayList<>();
    List<Conn> receivers = new ArrayList<>();
    for (int c = 0; c < CHANNELS; c++) {
      Device a = fx.user();
      Device b = fx.user();
      channels.add(fx.channel(a, List.of(a, b)));
      senders.add(fx.connect(a, "cc-gw1", "cc-gw2"));
      receivers.add(fx.connect(b, "cc-gw2", "cc-gw1"));
    }
    Map<String, Future<Ack>> acks = new HashMap<>();
    Map<String, Integer> channelOf = new HashMap<>();
    boolean restarted = false;
    try {
      for (int i = 0; i < SENDS; i++) {
        int c = i % CHANNELS;
        String clientMsgId = "cc-" + i;
        acks.put(clientMsgId, senders.get(c).client().send(channels.get(c), clientMsgId, "application",
            clientMsgId.getBytes(StandardCharsets.UTF_8)));
        channelOf.put(clientMsgId, c);
        if (i == SENDS / 3) {
          // Let the first third be acknowledged, so the kill hits acknowledged rows and writes in flight.
          await(Future.all(new ArrayList<>(acks.values())).timeout(WAIT.toSeconds(), TimeUnit.SECONDS));
          Infra.kill("cassandra");
        }
        NodeProcess.pause(10);
      }
      Infra.start("cassandra");
      restarted = true;
    } finally {
      if (!restarted) {
        Infra.start("cassandra");
      }
    }
    await(Future.all(new ArrayList<>(acks.values())).timeout(WAIT.toSeconds(), TimeUnit.SECONDS));

    RestApi rest = new RestApi(WebClient.create(fx.vertx), fx.restUrl());
    for (int c = 0; c < CHANNELS; c++) {
      Conn receiver = receivers.get(c);
      List<Message> history = await(rest.history(receiver.device().token(), channels.get(c), 0, 0));
      int expected = SENDS / CHANNELS;
      assertThat(history).as("channel %d history", c).extracting(Message::seq)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, expected).boxed().toList());
      Map<String, Message> byClientMsgId = new HashMap<>();
      history.forEach(m -> byClientMsgId.put(m.clientMsgId(), m));
      assertThat(byClientMsgId).as("each send stored once").hasSize(expected);
      for (Map.Entry<String, Future<Ack>> e : acks.entrySet()) {
        if (channelOf.get(e.getKey()) != c) {
          continue;
        }
        Ack ack = e.getValue().result();
        Message stored = byClientMsgId.get(e.getKey());
        assertThat(stored).as("acknowledged %s is in history", e.getKey()).isNotNull();
        assertThat(stored.seq()).as("seq of %s", e.getKey()).isEqualTo(ack.seq());
        assertThat(stored.msgId()).as("msgId of %s", e.getKey()).isEqualTo(ack.msgId());
      }
      await(receiver.client().sync(channels.get(c)));
      eventually(WAIT, () -> receiver.received().size() == expected,
          () -> "receiver has " + receiver.received().size() + " of " + expected);
      assertThat(receiver.violations()).as("forks or broken chains seen by the receiver").isEmpty();
      assertThat(senders.get(c).violations()).as("forks or broken chains seen by the sender").isEmpty();
    }
    assertThat(Infra.script("status", "cassandra")).as("Cassandra left running and ready").isZero();
  }
}
