package dev.parley.node;

import dev.parley.client.Ack;
import dev.parley.client.Message;
import dev.parley.client.RestApi;
import dev.parley.node.MessagePathFixture.Conn;
import dev.parley.node.MessagePathFixture.Dm;
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
 * handed out twice (the receivers' clients report no fork), history is gapless and chained, and each live
 * receiver's newest {@code chat} frame shows the channel's final seq (its chat list is right without reloading). Needs the services
 * to itself (run it under an exclusive lock); see {@link Infra} for services started from another checkout.
 */
class CassandraCrashIT {
  private static final Duration WAIT = Duration.ofSeconds(150);
  private static final int CHANNELS = 6;
  private static final int SENDS = 240;
  private static MessagePathFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = MessagePathFixture.startCluster(26_951, "cc", new JsonObject());
  }

  @AfterAll
  static void stop() throws Exception {
    MessagePathFixture.closeAll(fx);
  }

  /** The highest lastSeq of the chat frames {@code c} received for {@code channel} (0: none). */
  private static long newestChat(Conn c, UUID channel) {
    return c.frames().stream().filter(f -> "chat".equals(f.getString("type"))
        && channel.toString().equals(f.getString("channelId"))).mapToLong(f -> f.getLong("lastSeq")).max().orElse(0);
  }

  @Test
  @DisplayName("kill -9 of Cassandra under load loses no acknowledged message and reuses no seq")
  void cassandraKilledUnderLoad() throws Exception {
    List<Dm> dms = fx.dms(CHANNELS, "cc");
    List<UUID> channels = dms.stream().map(Dm::channel).toList();
    List<Conn> senders = dms.stream().map(Dm::sender).toList();
    List<Conn> receivers = dms.stream().map(Dm::receiver).toList();
    Map<String, Future<Ack>> acks = new HashMap<>();
    Map<String, Integer> channelOf = new HashMap<>();
    boolean restarted = false;
    try {
      PacedLoad.run(SENDS, 10, i -> {
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
      });
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
      // Fault C: without reloading, the newest chat frame the live receiver got shows the whole channel — chat
      // frames are coalesced per delivered batch (fewer than messages after a backlog) but the last one is complete.
      UUID ch = channels.get(c);
      eventually(WAIT, () -> newestChat(receiver, ch) == expected,
          () -> "receiver's newest chat frame says lastSeq " + newestChat(receiver, ch) + " of " + expected);
      assertThat(senders.get(c).violations()).as("forks or broken chains seen by the sender").isEmpty();
    }
    assertThat(Infra.script("status", "cassandra")).as("Cassandra left running and ready").isZero();
  }
}
