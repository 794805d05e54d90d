package dev.parley.node;

import dev.parley.client.Ack;
import dev.parley.client.Message;
import dev.parley.node.MessagePathFixture.Conn;
import dev.parley.node.MessagePathFixture.Device;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import static dev.parley.node.MessagePathFixture.await;
import static dev.parley.node.MessagePathFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18: two message nodes in one consumer group (as in {@code scripts/nodes}); kill -9 of one while both own
 * partitions. Every channel's sends succeed again once the survivor took the dead node's partitions: each send made
 * right after the kill is acknowledged exactly once, every channel's seqs stay gapless. How long that took is
 * printed (a figure, not a timed assertion; docs/reliability.md).
 */
class MessageNodeFailoverIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final Pattern ASSIGNED = Pattern.compile("assigned (\\d+) partitions");
  private static final int CHANNELS = 12;
  private static MessagePathFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = new MessagePathFixture(27_411);
    NodeProcess gw = fx.startGateway("mn-gw", new JsonObject());
    NodeProcess api = fx.startApi("mn-api");
    NodeProcess m1 = fx.startMessage("mn-msg1");
    NodeProcess m2 = fx.startMessage("mn-msg2");
    fx.awaitReady(gw, api, m1, m2);
    // Both members hold partitions before the kill (the last assignment each logged is non-empty).
    eventually(WAIT, () -> lastAssigned(m1) > 0 && lastAssigned(m2) > 0,
        () -> "assignments: msg1 " + lastAssigned(m1) + ", msg2 " + lastAssigned(m2));
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  private static int lastAssigned(NodeProcess n) {
    try {
      Matcher m = ASSIGNED.matcher(Files.readString(n.log));
      int last = -1;
      while (m.find()) {
        last = Integer.parseInt(m.group(1));
      }
      return last;
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  @Test
  @DisplayName("kill -9 of one of two message nodes: every channel's sends are acked again, exactly once, gapless")
  void survivorTakesOver() throws Exception {
    List<UUID> channels = new ArrayList<>();
    List<Conn> senders = new ArrayList<>();
    List<Conn> receivers = new ArrayList<>();
    for (int c = 0; c < CHANNELS; c++) {
      Device a = fx.user();
      Device b = fx.user();
      channels.add(fx.channel(a, List.of(a, b)));
      senders.add(fx.connect(a, "mn-gw"));
      receivers.add(fx.connect(b, "mn-gw"));
    }
    List<Future<Ack>> before = new ArrayList<>();
    for (int c = 0; c < CHANNELS; c++) {
      before.add(senders.get(c).client().send(channels.get(c), "application", "before".getBytes(StandardCharsets.UTF_8)));
    }
    await(Future.all(before).timeout(WAIT.toSeconds(), TimeUnit.SECONDS));

    fx.nodes.get("mn-msg1").kill();
    long killedAt = System.nanoTime();
    List<Future<Long>> acked = new ArrayList<>();
    for (int c = 0; c < CHANNELS; c++) {
      acked.add(senders.get(c).client().send(channels.get(c), "application", "after".getBytes(StandardCharsets.UTF_8))
          .map(ack -> (System.nanoTime() - killedAt) / 1_000_000));
    }
    await(Future.all(acked).timeout(WAIT.toSeconds(), TimeUnit.SECONDS));
    long slowest = acked.stream().mapToLong(Future::result).max().orElseThrow();
    long fastest = acked.stream().mapToLong(Future::result).min().orElseThrow();
    System.out.printf("MessageNodeFailoverIT: after kill -9 of one of two message nodes, sends on all %d channels "
        + "acked again within %d ms (fastest channel %d ms; channels on the survivor's partitions are not stalled)%n",
        CHANNELS, slowest, fastest);

    for (int c = 0; c < CHANNELS; c++) {
      Conn r = receivers.get(c);
      UUID ch = channels.get(c);
      await(r.client().sync(ch));
      eventually(WAIT, () -> r.received().size() == 2, () -> "channel " + ch + ": " + r.received().size() + " of 2");
      assertThat(r.received()).extracting(Message::seq).containsExactlyElementsOf(LongStream.rangeClosed(1, 2).boxed().toList());
      assertThat(r.violations()).isEmpty();
    }
    assertThat(fx.nodes.get("mn-msg2").get("/ready").status()).isEqualTo(200);
  }
}
