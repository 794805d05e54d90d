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
import dev.parley.shared.presence.PresenceReporter;
import dev.parley.shared.session.SessionDirectory;
import io.vertx.core.Future;
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
import java.util.function.Predicate;

import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Presence against the real Redis and PostgreSQL, with the heartbeat interval shortened to 1 s (grace 2.5 s).
 * Two presence verticles run, so every transition must be reported exactly once despite concurrent sweeps.
 * The watching device (B's phone) is registered in the session directory as held by a fake gateway node whose
 * delivery address the test consumes.
 */
class PresenceIT {
  private static final String GATEWAY = "it-gw-" + UUID.randomUUID();
  private static final long GRACE_MS = 2_500;

  private Vertx vertx;
  private DependencyClients clients;
  private PresenceReporter reporter;
  private PresenceGrpcClient grpc;
  private final List<JsonObject> frames = new CopyOnWriteArrayList<>();
  private final UUID alice = UUID.randomUUID();
  private final UUID bob = UUID.randomUUID();
  private final UUID stranger = UUID.randomUUID();
  private final UUID alicePhone = UUID.randomUUID();
  private final UUID aliceLaptop = UUID.randomUUID();
  private final UUID bobPhone = UUID.randomUUID();
  private final UUID channel = UUID.randomUUID();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    ParleyConfig config = ItConfig.load(vertx, new JsonObject().put("presence", new JsonObject()
        .put("port", 0).put("heartbeatIntervalSeconds", 1).put("graceFactor", 2.5).put("sweepIntervalMs", 100)));
    ItConfig.migrate(vertx, config);
    clients = DependencyClients.create(vertx, config, EnumSet.of(Dependency.POSTGRES, Dependency.REDIS));
    for (UUID u : List.of(alice, bob, stranger)) {
      await(clients.pg().preparedQuery("INSERT INTO users (id, username, display_name, password_hash) VALUES ($1, $2, 'x', 'x')")
          .execute(Tuple.of(u, "p_" + u.toString().substring(0, 12))));
    }
    await(clients.pg().preparedQuery("INSERT INTO channels (id, kind, name, created_by) VALUES ($1, 'group', 'p', $2)")
        .execute(Tuple.of(channel, alice)));
    for (UUID u : List.of(alice, bob)) {
      await(clients.pg().preparedQuery("INSERT INTO channel_members (channel_id, user_id) VALUES ($1, $2)").execute(Tuple.of(channel, u)));
      await(clients.pg().preparedQuery("INSERT INTO user_channels (user_id, channel_id) VALUES ($1, $2)").execute(Tuple.of(u, channel)));
    }
    PresenceVerticle first = new PresenceVerticle(config, clients, java.time.Clock.systemUTC());
    await(vertx.deployVerticle(first));
    await(vertx.deployVerticle(new PresenceVerticle(config, clients, java.time.Clock.systemUTC())));
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
    reporter = new PresenceReporter(vertx, GATEWAY, 50);
    reporter.start();
  }

  @AfterEach
  void tearDown() {
    reporter.loggedOut(alice, alicePhone);
    reporter.loggedOut(alice, aliceLaptop);
    reporter.flush();
    await(clients.pg().preparedQuery("DELETE FROM channels WHERE id = $1").execute(Tuple.of(channel)));
    await(clients.pg().preparedQuery("DELETE FROM users WHERE id = ANY($1)").execute(Tuple.tuple().addArrayOfUUID(new UUID[] {alice, bob, stranger})));
    await(vertx.close());
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

  private JsonObject awaitFrame(Predicate<JsonObject> match, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      var found = frames.stream().filter(match).findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      pause(20);
    }
    throw new AssertionError("no matching presence frame within " + timeout + "; frames: " + frames);
  }

  private void pause(long ms) {
    await(Future.<Void>future(p -> vertx.setTimer(ms, id -> p.complete())));
  }

  private static Predicate<JsonObject> state(UUID user, boolean online) {
    return f -> f.getString("userId").equals(user.toString()) && f.getBoolean("online") == online;
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
  @DisplayName("connect: online within 1 s; close: offline after the grace period, not before, exactly once")
  void onlineThenOfflineAfterGrace() {
    subscribe(alice);
    Instant connected = Instant.now();
    reporter.beat(alice, alicePhone);
    awaitFrame(state(alice, true), Duration.ofSeconds(1));
    assertThat(Duration.between(connected, Instant.now())).isLessThan(Duration.ofSeconds(1));

    reporter.closed(alice, alicePhone);
    Instant closed = Instant.now();
    JsonObject offline = awaitFrame(state(alice, false), Duration.ofMillis(GRACE_MS + 3_000));
    assertThat(Duration.between(closed, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(GRACE_MS - 100));
    assertThat(offline.getString("lastSeen")).isNotBlank();
    pause(1_000);
    assertThat(framesAbout(alice)).as("one online, one offline, despite two sweeping nodes").hasSize(2);
  }

  @Test
  @DisplayName("a disconnect and reconnect inside the grace period shows no offline event")
  void reconnectInsideGrace() {
    subscribe(alice);
    reporter.beat(alice, alicePhone);
    awaitFrame(state(alice, true), Duration.ofSeconds(1));
    reporter.closed(alice, alicePhone);
    pause(1_000);
    reporter.beat(alice, alicePhone);
    long stop = System.currentTimeMillis() + GRACE_MS + 1_500;
    while (System.currentTimeMillis() < stop) {
      reporter.beat(alice, alicePhone);
      pause(500);
    }
    assertThat(framesAbout(alice)).extracting(f -> f.getBoolean("online")).containsExactly(true);
  }

  @Test
  @DisplayName("logout is offline at once; with two devices the user is offline only when both are gone")
  void logoutAndTwoDevices() {
    subscribe(alice);
    reporter.beat(alice, alicePhone);
    reporter.beat(alice, aliceLaptop);
    awaitFrame(state(alice, true), Duration.ofSeconds(1));
    reporter.loggedOut(alice, alicePhone);
    // The laptop keeps beating past the phone's would-be grace: still online, no event.
    long stop = System.currentTimeMillis() + GRACE_MS + 500;
    while (System.currentTimeMillis() < stop) {
      reporter.beat(alice, aliceLaptop);
      pause(400);
    }
    assertThat(framesAbout(alice)).hasSize(1);
    Instant loggedOut = Instant.now();
    reporter.loggedOut(alice, aliceLaptop);
    awaitFrame(state(alice, false), Duration.ofSeconds(1));
    assertThat(Duration.between(loggedOut, Instant.now())).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  @DisplayName("a user who hides last-seen shows none to others but sees their own over gRPC")
  void hiddenLastSeen() {
    await(vertx.eventBus().request(PresenceAddresses.PRIVACY,
        new JsonObject().put("userId", alice.toString()).put("hideLastSeen", true)));
    subscribe(alice);
    reporter.beat(alice, alicePhone);
    awaitFrame(state(alice, true), Duration.ofSeconds(1));
    reporter.loggedOut(alice, alicePhone);
    JsonObject offline = awaitFrame(state(alice, false), Duration.ofSeconds(1));
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
    subscribe(alice);
    await(vertx.eventBus().request(PresenceAddresses.UNSUBSCRIBE, new JsonObject().put("deviceId", bobPhone.toString())));
    reporter.beat(alice, alicePhone);
    pause(1_000);
    assertThat(framesAbout(alice)).isEmpty();
  }
}
