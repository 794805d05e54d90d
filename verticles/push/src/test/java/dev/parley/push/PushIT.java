package dev.parley.push;

import dev.parley.push.PushHarness.Dev;
import dev.parley.shared.push.PushPlatform;
import dev.parley.shared.session.SessionDirectory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static dev.parley.push.PushHarness.eventually;
import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The push role on the real Kafka, PostgreSQL and Redis, publishing through the real AWS SDK to the local SNS
 * stand-in. Every test uses its own devices and channels; "nothing more happens" is awaited as "every job produced
 * is accounted for" (published, coalesced or dropped, from the role's own meters).
 */
class PushIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final long WINDOW_MS = 1_500;
  private static PushHarness h;
  private static final MeterRegistry METERS = new SimpleMeterRegistry();

  @BeforeAll
  static void start() {
    h = new PushHarness(new JsonObject().put("coalesceWindowMs", WINDOW_MS).put("backoffBaseMs", 20)
        .put("backoffMaxMs", 200).put("maxAttempts", 5));
    await(h.vertx.deployVerticle(new PushVerticle(h.config, h.clients, Clock.systemUTC(), METERS)));
  }

  @AfterAll
  static void stop() {
    if (h != null) {
      h.close();
    }
  }

  private static double count(String name) {
    return METERS.find(name).counters().stream().mapToDouble(Counter::count).sum();
  }

  /** Jobs that reached an outcome so far. */
  private static double accounted() {
    return count("parley.push.published") + count("parley.push.coalesced") + count("parley.push.dropped");
  }

  private static void awaitAccounted(double before, int jobs) {
    eventually(WAIT, () -> accounted() - before >= jobs, () -> "only " + (accounted() - before) + " of " + jobs
        + " jobs accounted for");
  }

  private static JsonObject apsOf(JsonObject publish) {
    return publish.getJsonObject("payload").getJsonObject("aps");
  }

  private static String collapseId(JsonObject publish) {
    return publish.getJsonObject("attributes").getJsonObject("AWS.SNS.MOBILE.APNS.COLLAPSE_ID").getString("stringValue");
  }

  @Test
  @DisplayName("an offline device gets one push per channel per window: the first at once, one more with the newest seq")
  void onePushPerChannelPerWindow() {
    Dev dev = h.device(PushPlatform.APNS);
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    h.head(a, 5);
    h.head(b, 1);
    double before = accounted();
    for (int seq = 1; seq <= 5; seq++) {
      h.job(dev, a, seq);
    }
    h.job(dev, b, 1);
    awaitAccounted(before, 6);

    List<JsonObject> all = h.publishes(dev.endpointArn());
    List<JsonObject> ofA = all.stream().filter(p -> collapseId(p).equals(a.toString())).toList();
    List<JsonObject> ofB = all.stream().filter(p -> collapseId(p).equals(b.toString())).toList();
    assertThat(ofA).hasSize(2);
    assertThat(ofB).hasSize(1);
    assertThat(apsOf(ofA.get(0)).getLong("badge")).isEqualTo(5);
    assertThat(ofA.get(1).getJsonObject("payload").getJsonObject("parley").getLong("seq")).isEqualTo(5);
    assertThat(apsOf(ofA.get(1)).getLong("badge")).isEqualTo(5);
    assertThat(apsOf(ofA.get(1)).getInteger("mutable-content")).isEqualTo(1);
    long gap = Duration.between(Instant.parse(ofA.get(0).getString("receivedAt")),
        Instant.parse(ofA.get(1).getString("receivedAt"))).toMillis();
    assertThat(gap).isGreaterThanOrEqualTo(WINDOW_MS - 50);
    assertThat(apsOf(ofB.get(0)).getLong("badge")).isEqualTo(1);
  }

  @Test
  @DisplayName("an online device, a muted channel and a channel read on another device get no push")
  void noPushWhenOnlineMutedOrRead() {
    Dev online = h.device(PushPlatform.FCM);
    Dev muted = h.device(PushPlatform.APNS);
    Dev read = h.device(PushPlatform.APNS_SANDBOX);
    UUID ch = UUID.randomUUID();
    h.head(ch, 3);
    await(new SessionDirectory(h.clients.redis()).register(online.deviceId(), "gw-it", 60));
    await(h.chats.cursors().setMuted(ch, muted.userId(), true));
    await(h.chats.cursors().markRead(ch, read.userId(), 3));
    double before = accounted();
    h.job(online, ch, 3);
    h.job(muted, ch, 3);
    h.job(read, ch, 3);
    awaitAccounted(before, 3);
    assertThat(h.publishes(online.endpointArn())).isEmpty();
    assertThat(h.publishes(muted.endpointArn())).isEmpty();
    assertThat(h.publishes(read.endpointArn())).isEmpty();

    // The same device gets a push for a message past its read cursor, with the unread count as badge.
    h.head(ch, 4);
    double before2 = accounted();
    h.job(read, ch, 4);
    awaitAccounted(before2, 1);
    List<JsonObject> pushes = h.publishes(read.endpointArn());
    assertThat(pushes).hasSize(1);
    assertThat(pushes.get(0).getString("platform")).isEqualTo("APNS_SANDBOX");
    assertThat(apsOf(pushes.get(0)).getLong("badge")).isEqualTo(1);
  }

  @Test
  @DisplayName("throttling and 5xx are retried with backoff, then the push goes out once")
  void retriesThenSucceeds() {
    Dev dev = h.device(PushPlatform.FCM);
    UUID ch = UUID.randomUUID();
    h.head(ch, 1);
    h.control("/_local/faults", new JsonObject().put("status", 429).put("count", 2));
    h.control("/_local/faults", new JsonObject().put("status", 500).put("count", 1));
    double retried = count("parley.push.retried");
    double before = accounted();
    h.job(dev, ch, 1);
    awaitAccounted(before, 1);
    assertThat(count("parley.push.retried") - retried).isEqualTo(3);
    List<JsonObject> pushes = h.publishes(dev.endpointArn());
    assertThat(pushes).hasSize(1);
    JsonObject message = pushes.get(0).getJsonObject("payload").getJsonObject("fcmV1Message").getJsonObject("message");
    assertThat(message.getJsonObject("android").getString("priority")).isEqualTo("high");
    assertThat(message.getJsonObject("android").getString("collapse_key")).isEqualTo(ch.toString());
    assertThat(message.getJsonObject("data").getString("unread")).isEqualTo("1");
  }

  @Test
  @DisplayName("a disabled endpoint marks the registration disabled and no further publish is attempted")
  void disabledEndpointStops() {
    Dev dev = h.device(PushPlatform.APNS);
    UUID ch = UUID.randomUUID();
    h.head(ch, 2);
    h.control("/_local/endpoints/disable", new JsonObject().put("endpointArn", dev.endpointArn()));
    double disabled = count("parley.push.disabled");
    h.job(dev, ch, 1);
    eventually(WAIT, () -> count("parley.push.disabled") - disabled >= 1, () -> "endpoint never reported disabled");
    eventually(WAIT, () -> await(h.clients.pg().preparedQuery("SELECT disabled_at FROM push_endpoints "
            + "WHERE device_id = $1").execute(Tuple.of(dev.deviceId()))).iterator().next()
        .getOffsetDateTime("disabled_at") != null, () -> "registration not marked disabled");
    // Re-enabled in SNS behind our back, it still gets nothing: the registration stays disabled until the device
    // registers again.
    double noEndpoint = METERS.find("parley.push.dropped").tag("reason", "no_endpoint").counters().stream()
        .mapToDouble(Counter::count).sum();
    h.job(dev, UUID.randomUUID(), 2);
    eventually(WAIT, () -> METERS.find("parley.push.dropped").tag("reason", "no_endpoint").counters().stream()
        .mapToDouble(Counter::count).sum() - noEndpoint >= 1, () -> "second job not dropped for the disabled endpoint");
    assertThat(h.publishes(dev.endpointArn())).isEmpty();
  }

  @Test
  @DisplayName("no push body carries anything but ids, counts and the neutral text")
  void noPlaintextFields() {
    Dev dev = h.device(PushPlatform.APNS);
    UUID ch = UUID.randomUUID();
    h.head(ch, 1);
    double before = accounted();
    h.job(dev, ch, 1);
    awaitAccounted(before, 1);
    JsonObject push = h.publishes(dev.endpointArn()).get(0);
    JsonObject aps = apsOf(push);
    assertThat(aps.getJsonObject("alert").fieldNames()).containsExactly("body");
    assertThat(aps.getJsonObject("alert").getString("body")).isEqualTo("New message");
    // The sender's name is off by default.
    assertThat(push.getString("message")).doesNotContain("Alice Sender");
    assertThat(push.getJsonObject("payload").getJsonObject("parley").fieldNames())
        .containsExactlyInAnyOrder("channelId", "seq", "msgId");
  }
}
