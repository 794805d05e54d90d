package dev.parley.node;

import dev.parley.client.Ack;
import dev.parley.client.Message;
import dev.parley.client.RestApi;
import dev.parley.node.MessagePathFixture.Conn;
import dev.parley.node.MessagePathFixture.Device;
import io.vertx.core.Future;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.LongStream;

import static dev.parley.node.MessagePathFixture.await;
import static dev.parley.node.MessagePathFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of a gateway and of the message node while messages flow: nothing acknowledged is lost, nothing is
 * stored or shown twice, seqs stay gapless and the hash chain verifies. Own cluster and consumer group.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MessagePathFailoverIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static MessagePathFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = MessagePathFixture.startCluster(26_901, "mf", new io.vertx.core.json.JsonObject());
  }

  @AfterAll
  static void stop() throws Exception {
    MessagePathFixture.closeAll(fx);
  }

  @Test
  @Order(1)
  @DisplayName("kill -9 of a gateway mid-stream: clients move to the other one, every acked message exactly once")
  void gatewayKilledMidStream() throws Exception {
    Device a = fx.user();
    Device b = fx.user();
    Device b2 = fx.device(b.userId());
    UUID channel = fx.channel(a, List.of(a, b));
    Conn ca = fx.connect(a, "mf-gw1", "mf-gw2");
    Conn cb = fx.connect(b, "mf-gw2", "mf-gw1");
    Conn cb2 = fx.connect(b2, "mf-gw1", "mf-gw2");

    int total = 200;
    List<Future<Ack>> acks = PacedLoad.send(ca.client(), channel, "k", total, 5, 60, i -> fx.nodes.get("mf-gw1").kill());
    await(Future.all(acks).timeout(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));
    assertThat(ca.client().connects()).as("A reconnected to the surviving gateway").isGreaterThanOrEqualTo(2);
    assertThat(ca.client().gatewayNode()).isEqualTo("mf-gw2");

    assertExactlyOnce(channel, a, total);
    for (Conn c : List.of(cb, cb2)) {
      await(c.client().sync(channel));
      eventually(WAIT, () -> c.received().size() == total, () -> c.device() + " has " + c.received().size());
      assertThat(c.received()).extracting(Message::seq).containsExactlyElementsOf(seqs(total));
      assertThat(c.violations()).isEmpty();
    }
  }

  @Test
  @Order(2)
  @DisplayName("kill -9 of the message node under load: after a restart no seq gap, no duplicate, nothing acked lost")
  void messageNodeKilledUnderLoad() throws Exception {
    Device a = fx.user();
    Device b = fx.user();
    UUID channel = fx.channel(a, List.of(a, b));
    Conn ca = fx.connect(a, "mf-gw2");
    Conn cb = fx.connect(b, "mf-gw2");

    int total = 300;
    List<Future<Ack>> acks = PacedLoad.send(ca.client(), channel, "q", total, 5, 100,
        i -> fx.nodes.get("mf-msg1").kill());
    NodeProcess restarted = fx.startMessage("mf-msg2");
    fx.awaitReady(restarted);
    await(Future.all(acks).timeout(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS));

    assertExactlyOnce(channel, a, total);
    await(cb.client().sync(channel));
    eventually(WAIT, () -> cb.received().size() == total, () -> "B has " + cb.received().size());
    assertThat(cb.received()).extracting(Message::seq).containsExactlyElementsOf(seqs(total));
    assertThat(cb.violations()).isEmpty();
    Set<Long> seqsAcked = new HashSet<>();
    acks.forEach(f -> seqsAcked.add(f.result().seq()));
    assertThat(seqsAcked).as("every ack names its own seq").hasSize(total);
  }

  /** History holds exactly {@code total} messages, seq 1..total, each clientMsgId once, and the chain verifies. */
  private static void assertExactlyOnce(UUID channel, Device reader, int total) {
    RestApi rest = new RestApi(WebClient.create(fx.vertx), fx.restUrl());
    List<Message> history = await(rest.history(reader.token(), channel, 0, 0));
    assertThat(history).extracting(Message::seq).containsExactlyElementsOf(seqs(total));
    assertThat(history.stream().map(Message::clientMsgId).distinct().count()).isEqualTo(total);
    Conn verifier = fx.open(reader, "mf-gw2");
    await(verifier.client().sync(channel));
    eventually(WAIT, () -> verifier.received().size() == total, () -> "verifier has " + verifier.received().size());
    assertThat(verifier.violations()).isEmpty();
  }

  private static List<Long> seqs(int total) {
    return LongStream.rangeClosed(1, total).boxed().toList();
  }
}
