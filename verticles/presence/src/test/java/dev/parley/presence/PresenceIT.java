package dev.parley.presence;

import dev.parley.proto.presence.v1.GetPresenceRequest;
import dev.parley.proto.presence.v1.PresenceGrpcClient;
import dev.parley.proto.presence.v1.UserPresence;
import dev.parley.shared.Addresses;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.Dependency;
import dev.parley.shared.deps.DependencyClients;
import dev.parley.shared.it.ItConfig;
import dev.parley.shared.presence.PresenceAddresses;
import dev.parley.shared.session.SessionDirectory;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Presence against the real Redis and PostgreSQL, with the heartbeat interval shortened to 1 s (grace 2.5 s).
 * Two presence verticles run, so every transition must be reported exactly once despite concurrent sweeps.
 * The watching device (B's phone) is registered in the session directory as held by a fake gateway node whose
 * delivery address the test consumes.
 *
 * <p>Time is controlled: both verticles run on a {@link SteppingClock} (the wall clock plus the steps the test
 * takes), which the test moves forward past (or up to) a grace period instead of waiting for it; staying at or ahead
 * of the wall clock keeps these deadlines in the future for any other sweeper on the shared Redis. Session events are
 * sent as a gateway's batch with a reply, so each is applied before the clock moves. Absence ("no offline event") is
 * asserted against a sentinel: a co-member, Dave, whose device expires through the same sweep path at an earlier
 * deadline; once his offline frame is here, the sweep that would have reported Alice has run.
 */
class PresenceIT {
  private static final String GATEWAY = "it-gw-" + UUID.randomUUID();
  private static final long GRACE_MS = 2_500;
  private static final Duration WAIT = Duration.ofSeconds(5);

  private Vertx vertx;
  private DependencyClients clients;
  private PresenceGrpcClient grpc;
  private final SteppingClock clock = new SteppingClock(Instant::now);
  private final List<JsonObject> frames = new CopyOnWriteArrayList<>();
  private final UUID alice = UUID.randomUUID();
  private final UUID bob = UUID.randomUUID();
  private final UUID dave = UUID.randomUUID();
  private final UUID stranger = UUID.randomUUID();
  private final UUID alicePhone = UUID.randomUUID();
  private final UUID aliceLaptop = UUID.randomUUID();
  private final UUID bobPhone = UUID.randomUUID();
  private final UUID davePhone = UUID.randomUUID();
  private final UUID channel = UUID.randomUUID();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    ParleyConfig config = ItConfig.load(vertx, new JsonObject().put("presence", new JsonObject()
        .put("port", 0).put("heartbeatIntervalSeconds", 1).put("graceFactor", 2.5).put("sweepIntervalMs", 100)));
    ItConfig.migrate(vertx, config);
    clients = DependencyClients.create(vertx, config, EnumSet.of(Dependency.POSTGRES, Dependency.REDIS));
    for (UUID u : List.of(alice, bob, dave, stranger)) {
      await(clients.pg().preparedQuery("INSERT INTO users (id, username, display_name, password_hash) VALUES ($1, $2, 'x', 'x')")
          .execute(Tuple.of(u, "p_" + u.toString().substring(0, 12))));
    }
    await(clients.pg().preparedQuery("INSERT INTO channels (id, kind, name, created_by) VALUES ($1, 'group', 'p', $2)")
        .execute(Tuple.of(channel, alice)));
    for (UUID u : List.of(alice, bob, dave)) {
      await(clients.pg().preparedQuery("INSERT INTO channel_members (channel_id, user_id) VALUES ($1, $2)").execute(Tuple.of(channel, u)));
      await(clients.pg().preparedQuery("INSERT INTO user_channels (user_id, channel_id) VALUES ($1, $2)").execute(Tuple.of(u, channel)));
    }
    PresenceVerticle first = new PresenceVerticle(config, clients, clock);
    await(vertx.deployVerticle(first));
    await(vertx.deployVerticle(new PresenceVerticle(config, clients, clock)));
    grpc = PresenceGrpcClient.create(GrpcClient.client(vertx), SocketAddress.inetSocketAddress(first.port(), "127.0.0.1"));
    vertx.eventBus().<JsonObject>consumer(Addresses.gatewayDeliver(GATEWAY), m -> {
      for (Object part : m.body().getJsonArray("frames")) {
        JsonObject p = (JsonObject) part;
        if (p.getJsonArray("devices").contains(bobPhone.toString())) {
          frames.add(p.getJsonObject("frame"));
        }
      }
    });
    await(new SessionDirectory(clients.redis()).register(bobPhone, GATEWAY, 120));
  }

  @AfterEach
  void tearDown() {
    apply(alice, alicePhone, "logout");
    apply(alice, aliceLaptop, "logout");
    apply(dave, davePhone, "logout");
    await(clients.pg().preparedQuery("DELETE FROM channels WHERE id = $1").execute(Tuple.of(channel)));
    await(clients.pg().preparedQuery("DELETE FROM users WHERE id = ANY($1)")
        .execute(Tuple.tuple().addArrayOfUUID(new UUID[] {alice, bob, dave, stranger})));
    await(vertx.close());
  }

  /** A gateway's batch of one session event ({@code beat}, {@code closed}, {@code logout}), applied when this returns. */
  private void apply(UUID user, UUID device, String type) {
    JsonObject event = new JsonObject().put("u", user.toString()).put("d", device.toString()).put("t", type);
    await(vertx.eventBus().request(PresenceAddresses.EVENTS,
        new JsonObject().put("gateway", GATEWAY).put("events", new JsonArray().add(event))));
  }

  private JsonObject subscribe(UUID... targets) {
    JsonArray t = new JsonArray();
    for (UUID u : targets) {
      t.add(u.toString());
    }
    return await(vertx.eventBus().<JsonObject>request(PresenceAddresses.SUBSCRIBE, new JsonObject()
        .put("userId", bob.toString()).put("deviceId", bobPhone.toString()).put("targets", t))).body();
  }

  private List<JsonObject> framesAbout(UUID user) {
    return frames.stream().filter(f -> f.getString("userId").equals(user.toString())).toList();
  }

  /** Waits (bounded) for the {@code n}-th frame about {@code user} saying {@code online}. */
  private JsonObject awaitFrame(UUID user, boolean online, int n, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      List<JsonObject> found = framesAbout(user).stream().filter(f -> f.getBoolean("online") == online).toList();
      if (found.size() >= n) {
        return found.get(n - 1);
      }
      tick();
    }
    throw new AssertionError("no presence frame #" + n + " (online=" + online + ") about " + user + " within "
        + timeout + "; frames: " + frames);
  }

  private JsonObject awaitFrame(UUID user, boolean online) {
    return awaitFrame(user, online, 1, WAIT);
  }

  /** The poll interval of {@link #awaitFrame}. */
  private void tick() {
    await(io.vertx.core.Future.<Void>future(p -> vertx.setTimer(20, id -> p.complete())));
  }

  /** Alice and Dave online, as Bob's phone sees them. */
  private void bothOnline(UUID... aliceDevices) {
    subscribe(alice, dave);
    for (UUID device : aliceDevices) {
      apply(alice, device, "beat");
    }
    apply(dave, davePhone, "beat");
    awaitFrame(alice, true);
    awaitFrame(dave, true);
  }

  @Test
  @DisplayName("subscribing to someone who shares no channel is denied; a co-member is accepted with their state")
  void subscribeOnlyCoMembers() {
    JsonObject reply = subscribe(alice, stranger);
    assertThat(reply.getJsonArray("denied").getList()).containsExactly(stranger.toString());
    assertThat(reply.getJsonArray("accepted")).hasSize(1);
    assertThat(reply.getJsonArray("accepted").getJsonObject(0).getString("userId")).isEqualTo(alice.toString());
    assertThat(reply.getJsonArray("accepted").getJsonObject(0).getBoolean("online")).isFalse();
    assertThatThrownBy(() -> await(vertx.eventBus().request(PresenceAddresses.SUBSCRIBE,
        new JsonObject().put("userId", "nope").put("deviceId", bobPhone.toString()).put("targets", new JsonArray()))))
        .rootCause().isInstanceOf(ReplyException.class).hasMessageContaining("userId");
  }

  @Test
  @DisplayName("close: offline once the grace period has passed, not before, exactly once despite two sweeping nodes")
  void onlineThenOfflineAfterGrace() {
    bothOnline(alicePhone);
    apply(dave, davePhone, "closed");
    clock.advance(Duration.ofMillis(2_000));
    apply(alice, alicePhone, "closed");

    // Dave's grace has run out, Alice's has 1 s left: the sweep that reports Dave does not report her.
    clock.advance(Duration.ofMillis(GRACE_MS - 1_000));
    awaitFrame(dave, false);
    assertThat(framesAbout(alice)).as("offline before the grace period ended").hasSize(1);

    clock.advance(Duration.ofMillis(1_500));
    JsonObject offline = awaitFrame(alice, false);
    assertThat(offline.getString("lastSeen")).isNotBlank();

    // Sentinel: Dave online and offline again, through a later sweep of the same nodes.
    apply(dave, davePhone, "beat");
    awaitFrame(dave, true, 2, WAIT);
    apply(dave, davePhone, "closed");
    clock.advance(Duration.ofMillis(GRACE_MS + 100));
    awaitFrame(dave, false, 2, WAIT);
    assertThat(framesAbout(alice)).as("one online, one offline, despite two sweeping nodes").hasSize(2);
  }

  @Test
  @DisplayName("a disconnect and reconnect inside the grace period shows no offline event")
  void reconnectInsideGrace() {
    bothOnline(alicePhone);
    apply(alice, alicePhone, "closed");
    apply(dave, davePhone, "closed");
    clock.advance(Duration.ofMillis(2_000));
    apply(alice, alicePhone, "beat");

    // Both closes are past their grace now; only Alice came back.
    clock.advance(Duration.ofMillis(1_500));
    awaitFrame(dave, false);
    assertThat(framesAbout(alice)).extracting(f -> f.getBoolean("online")).containsExactly(true);
  }

  @Test
  @DisplayName("logout is offline at once; with two devices the user is offline only when both are gone")
  void logoutAndTwoDevices() {
    bothOnline(alicePhone, aliceLaptop);
    apply(alice, alicePhone, "logout");
    apply(dave, davePhone, "closed");
    // The laptop keeps beating past the phone's would-be grace: still online, no event.
    clock.advance(Duration.ofMillis(2_000));
    apply(alice, aliceLaptop, "beat");
    clock.advance(Duration.ofMillis(1_500));
    awaitFrame(dave, false);
    assertThat(framesAbout(alice)).hasSize(1);

    apply(alice, aliceLaptop, "logout");
    awaitFrame(alice, false, 1, Duration.ofSeconds(1));
  }

  @Test
  @DisplayName("a user who hides last-seen shows none to others but sees their own over gRPC")
  void hiddenLastSeen() {
    await(vertx.eventBus().request(PresenceAddresses.PRIVACY,
        new JsonObject().put("userId", alice.toString()).put("hideLastSeen", true)));
    subscribe(alice);
    apply(alice, alicePhone, "beat");
    awaitFrame(alice, true);
    apply(alice, alicePhone, "logout");
    JsonObject offline = awaitFrame(alice, false);
    assertThat(offline.containsKey("lastSeen")).isFalse();

    UserPresence seenByBob = await(grpc.getPresence(GetPresenceRequest.newBuilder().setViewerUserId(bob.toString())
        .addUserIds(alice.toString()).build())).getUsers(0);
    UserPresence seenByAlice = await(grpc.getPresence(GetPresenceRequest.newBuilder().setViewerUserId(alice.toString())
        .addUserIds(alice.toString()).build())).getUsers(0);
    assertThat(seenByBob.getOnline()).isFalse();
    assertThat(seenByBob.getLastSeenMs()).isZero();
    assertThat(seenByAlice.getLastSeenMs()).isPositive();
  }

  @Test
  @DisplayName("after unsubscribing, changes are no longer pushed to the device")
  void unsubscribeStopsPushes() {
    subscribe(alice, dave);
    await(vertx.eventBus().request(PresenceAddresses.UNSUBSCRIBE, new JsonObject().put("deviceId", bobPhone.toString())
        .put("targets", new JsonArray().add(alice.toString()))));
    apply(alice, alicePhone, "beat");
    // Sentinel: Dave, still watched, comes online after Alice did, through the same path.
    apply(dave, davePhone, "beat");
    awaitFrame(dave, true);
    assertThat(framesAbout(alice)).isEmpty();
  }
}
