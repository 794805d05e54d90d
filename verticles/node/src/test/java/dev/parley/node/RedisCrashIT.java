package dev.parley.node;

import dev.parley.client.Ack;
import dev.parley.node.MessagePathFixture.Conn;
import dev.parley.node.MessagePathFixture.Dm;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.parley.node.MessagePathFixture.await;
import static dev.parley.node.MessagePathFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of Redis while messages flow, then {@code scripts/infra start redis}: the gateways re-register their
 * live sessions by themselves within seconds, so every message sent afterwards reaches the connected partner
 * <em>live</em> (as a {@code msg} frame, not only through a history sync). Before issue 12 the session directory
 * stayed empty until the next TTL refresh. Needs the services to itself; see {@link Infra}.
 */
class RedisCrashIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  /** "Within seconds": well under the TTL refresh period (sessionTtlSeconds / 3 = 20 s by default). */
  private static final Duration RESUME = Duration.ofSeconds(8);
  private static final int CHANNELS = 6;
  private static final int AFTER = 20;
  private static MessagePathFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = MessagePathFixture.startCluster(26_971, "rc", new JsonObject());
  }

  @AfterAll
  static void stop() throws Exception {
    MessagePathFixture.closeAll(fx);
  }

  private static long liveMsgs(Conn c, UUID channel) {
    return c.frames().stream().filter(f -> "msg".equals(f.getString("type"))
        && channel.toString().equals(f.getString("channelId"))).count();
  }

  @Test
  @DisplayName("after a Redis kill -9 and restart, live delivery to connected devices resumes within seconds")
  void liveDeliveryResumes() throws Exception {
    List<Dm> dms = fx.dms(CHANNELS, "rc");
    List<UUID> channels = dms.stream().map(Dm::channel).toList();
    List<Conn> senders = dms.stream().map(Dm::sender).toList();
    List<Conn> receivers = dms.stream().map(Dm::receiver).toList();
    List<Future<Ack>> before = new ArrayList<>();
    for (int c = 0; c < CHANNELS; c++) {
      before.add(senders.get(c).client().send(channels.get(c), "application", "before".getBytes(StandardCharsets.UTF_8)));
    }
    await(Future.all(before).timeout(WAIT.toSeconds(), TimeUnit.SECONDS));
    for (int c = 0; c < CHANNELS; c++) {
      Conn r = receivers.get(c);
      UUID ch = channels.get(c);
      eventually(WAIT, () -> liveMsgs(r, ch) == 1, () -> "live msg before the kill");
    }

    try {
      Infra.kill("redis");
    } finally {
      Infra.start("redis");
    }
    long restartedAt = System.nanoTime();
    // A probe per channel until one arrives live on every channel: how long live delivery takes to come back.
    for (int c = 0; c < CHANNELS; c++) {
      Conn s = senders.get(c);
      Conn r = receivers.get(c);
      UUID ch = channels.get(c);
      long liveBefore = liveMsgs(r, ch);
      eventually(RESUME, () -> {
        if (liveMsgs(r, ch) > liveBefore) {
          return true;
        }
        s.client().send(ch, "application", "probe".getBytes(StandardCharsets.UTF_8));
        NodeProcess.pause(200);
        return liveMsgs(r, ch) > liveBefore;
      }, () -> "no live msg on channel " + ch + " within " + RESUME + " of the Redis restart");
    }
    System.out.printf("RedisCrashIT: live delivery back on all %d channels %d ms after scripts/infra start redis%n",
        CHANNELS, (System.nanoTime() - restartedAt) / 1_000_000);

    // Then every message reaches its partner live.
    List<Future<Ack>> after = new ArrayList<>();
    List<Long> liveMark = new ArrayList<>();
    for (int c = 0; c < CHANNELS; c++) {
      liveMark.add(liveMsgs(receivers.get(c), channels.get(c)));
    }
    PacedLoad.run(AFTER, 10, i -> {
      for (int c = 0; c < CHANNELS; c++) {
        after.add(senders.get(c).client().send(channels.get(c), "application", ("after-" + i).getBytes(StandardCharsets.UTF_8)));
      }
    });
    await(Future.all(after).timeout(WAIT.toSeconds(), TimeUnit.SECONDS));
    for (int c = 0; c < CHANNELS; c++) {
      Conn r = receivers.get(c);
      UUID ch = channels.get(c);
      long mark = liveMark.get(c);
      eventually(Duration.ofSeconds(20), () -> liveMsgs(r, ch) - mark >= AFTER,
          () -> "channel " + ch + ": " + (liveMsgs(r, ch) - mark) + " of " + AFTER + " delivered live");
      assertThat(r.violations()).isEmpty();
    }
    assertThat(Infra.script("status", "redis")).as("Redis left running and ready").isZero();
  }
}
