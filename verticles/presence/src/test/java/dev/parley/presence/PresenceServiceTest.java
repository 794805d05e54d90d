package dev.parley.presence;

import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PresenceService}'s transitions on a clock the test moves by hand, against in-memory fakes of the store,
 * the subscriptions, the fan-out and the membership look-up: no Redis, no PostgreSQL, no waiting. The fakes
 * complete their futures at once, so every call below has finished when it returns.
 *
 * <p>The cast: Alice (phone and laptop) is watched by Bob's phone; Bob and Alice share a channel; a stranger
 * shares none with Bob. Grace is the default 75 s.
 */
class PresenceServiceTest {
  private static final long GRACE_MS = 75_000;
  private static final Instant START = Instant.parse("2026-11-28T12:00:00Z");

  private final SteppingClock clock = SteppingClock.at(START);
  private final FakeStore store = new FakeStore();
  private final FakeSubscriptions subscriptions = new FakeSubscriptions();
  private final Inboxes inboxes = new Inboxes(subscriptions);
  private final List<Set<UUID>> channels = new ArrayList<>();
  private final PresenceService presence = new PresenceService(store, subscriptions, inboxes, this::coMembers, clock,
      GRACE_MS, 500);

  private final UUID alice = UUID.randomUUID();
  private final UUID alicePhone = UUID.randomUUID();
  private final UUID aliceLaptop = UUID.randomUUID();
  private final UUID bob = UUID.randomUUID();
  private final UUID bobPhone = UUID.randomUUID();
  private final UUID stranger = UUID.randomUUID();
  private final UUID strangerPhone = UUID.randomUUID();

  @Test
  @DisplayName("a user comes online at their first heartbeat, and a subscriber is told once, without a last-seen")
  void onlineAtFirstBeat() {
    bobWatchesAlice();

    event(alice, alicePhone, "beat");
    clock.advance(Duration.ofSeconds(30));
    event(alice, alicePhone, "beat");

    assertThat(inboxes.of(bobPhone)).containsExactly(frame(alice, true, null));
    assertThat(online(alice)).isTrue();
  }

  @Test
  @DisplayName("a user who stops beating stays online until the grace period ends, then goes offline with the time as last-seen")
  void offlineOnlyAfterGrace() {
    bobWatchesAlice();
    event(alice, alicePhone, "beat");
    inboxes.clear();

    clock.advance(Duration.ofMillis(GRACE_MS - 1));
    assertThat(sweep()).isZero();
    assertThat(inboxes.of(bobPhone)).isEmpty();
    assertThat(online(alice)).isTrue();

    clock.advance(Duration.ofMillis(1));
    Instant wentOffline = clock.instant();
    assertThat(sweep()).isEqualTo(1);

    assertThat(inboxes.of(bobPhone)).containsExactly(frame(alice, false, wentOffline));
    assertThat(online(alice)).isFalse();
    assertThat(presence.query(List.of(alice)).result().get(0).lastSeenMs()).isEqualTo(wentOffline.toEpochMilli());
  }

  @Test
  @DisplayName("every heartbeat moves the deadline: a user who keeps beating is never swept offline")
  void beatsKeepUserOnline() {
    bobWatchesAlice();
    event(alice, alicePhone, "beat");
    inboxes.clear();

    for (int i = 0; i < 10; i++) {
      clock.advance(Duration.ofSeconds(30));
      event(alice, alicePhone, "beat");
      assertThat(sweep()).isZero();
    }

    assertThat(inboxes.of(bobPhone)).isEmpty();
    assertThat(online(alice)).isTrue();
  }

  @Test
  @DisplayName("a socket that closes and reconnects within the grace period shows subscribers no offline at all")
  void reconnectWithinGrace() {
    bobWatchesAlice();
    event(alice, alicePhone, "beat");
    inboxes.clear();

    clock.advance(Duration.ofSeconds(10));
    event(alice, alicePhone, "closed");
    clock.advance(Duration.ofSeconds(60));
    event(alice, alicePhone, "beat");
    clock.advance(Duration.ofSeconds(60));
    assertThat(sweep()).isZero();

    assertThat(inboxes.of(bobPhone)).isEmpty();
    assertThat(online(alice)).isTrue();
  }

  @Test
  @DisplayName("a socket that closes for good goes offline one grace period after the close, not after the last beat")
  void closedGoesOfflineGraceAfterClose() {
    bobWatchesAlice();
    event(alice, alicePhone, "beat");
    clock.advance(Duration.ofSeconds(20));
    event(alice, alicePhone, "closed");
    Instant closedAt = clock.instant();
    inboxes.clear();

    clock.advance(Duration.ofMillis(GRACE_MS - 1));
    assertThat(sweep()).isZero();
    assertThat(online(alice)).isTrue();

    clock.advance(Duration.ofMillis(1));
    assertThat(sweep()).isEqualTo(1);
    assertThat(inboxes.of(bobPhone)).containsExactly(frame(alice, false, closedAt.plusMillis(GRACE_MS)));
  }

  @Test
  @DisplayName("logout takes the user offline at once, with last-seen the logout time")
  void logoutIsImmediate() {
    bobWatchesAlice();
    event(alice, alicePhone, "beat");
    clock.advance(Duration.ofSeconds(5));
    inboxes.clear();

    event(alice, alicePhone, "logout");

    assertThat(inboxes.of(bobPhone)).containsExactly(frame(alice, false, clock.instant()));
    assertThat(online(alice)).isFalse();
    clock.advance(Duration.ofMillis(GRACE_MS * 2));
    assertThat(sweep()).as("nothing left for the sweep to report").isZero();
    assertThat(inboxes.of(bobPhone)).hasSize(1);
  }

  @Test
  @DisplayName("a user is not shown offline while another of their devices is still online")
  void noOfflineWhileAnotherDeviceIsOnline() {
    bobWatchesAlice();
    event(alice, alicePhone, "beat");
    event(alice, aliceLaptop, "beat");
    assertThat(inboxes.of(bobPhone)).as("the second device is no new transition").hasSize(1);
    inboxes.clear();

    // The phone goes quiet; the laptop keeps beating well past the phone's deadline.
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofSeconds(30));
      event(alice, aliceLaptop, "beat");
      sweep();
    }
    event(alice, aliceLaptop, "logout");

    assertThat(inboxes.of(bobPhone)).containsExactly(frame(alice, false, clock.instant()));
  }

  @Test
  @DisplayName("subscribing replies with the current state, including last-seen, of each co-member")
  void subscribeRepliesWithCurrentState() {
    sharesAChannel(alice, bob);
    event(alice, alicePhone, "beat");
    clock.advance(Duration.ofSeconds(5));
    event(alice, alicePhone, "logout");
    Instant lastSeen = clock.instant();

    JsonObject reply = presence.subscribe(bob, bobPhone, List.of(alice)).result();

    assertThat(reply.getJsonArray("accepted")).containsExactly(frame(alice, false, lastSeen));
    assertThat(reply.getJsonArray("denied")).isEmpty();
  }

  @Test
  @DisplayName("a stranger cannot be watched: the subscription is denied and their changes never reach the subscriber")
  void strangerIsDenied() {
    sharesAChannel(alice, bob);

    JsonObject reply = presence.subscribe(bob, bobPhone, List.of(alice, stranger)).result();
    event(stranger, strangerPhone, "beat");
    event(alice, alicePhone, "beat");

    assertThat(reply.getJsonArray("denied")).isEqualTo(new JsonArray().add(stranger.toString()));
    assertThat(inboxes.of(bobPhone)).containsExactly(frame(alice, true, null));
  }

  @Test
  @DisplayName("a user who hides last-seen is shown offline to subscribers without the time")
  void hiddenLastSeen() {
    bobWatchesAlice();
    presence.setHideLastSeen(alice, true);
    event(alice, alicePhone, "beat");
    inboxes.clear();

    event(alice, alicePhone, "logout");

    assertThat(inboxes.of(bobPhone)).containsExactly(frame(alice, false, null));
  }

  @Test
  @DisplayName("a subscriber whose socket closes or who unsubscribes hears nothing more")
  void subscriberLeaves() {
    bobWatchesAlice();
    event(bob, bobPhone, "closed");
    event(alice, alicePhone, "beat");
    assertThat(inboxes.of(bobPhone)).isEmpty();

    bobWatchesAlice();
    presence.unsubscribe(bobPhone, List.of(alice));
    event(alice, alicePhone, "logout");
    assertThat(inboxes.of(bobPhone)).isEmpty();
  }

  @Test
  @DisplayName("a device may watch only so many users: beyond the limit the subscription is refused as rate-limited")
  void subscriptionLimit() {
    PresenceService small = new PresenceService(store, subscriptions, inboxes, this::coMembers, clock, GRACE_MS, 1);
    UUID carol = UUID.randomUUID();
    sharesAChannel(alice, bob, carol);
    assertThat(small.subscribe(bob, bobPhone, List.of(alice)).succeeded()).isTrue();

    Future<JsonObject> second = small.subscribe(bob, bobPhone, List.of(carol));

    assertThat(second.cause()).isInstanceOfSatisfying(Refusal.class,
        r -> assertThat(r.code()).isEqualTo(ErrorCode.RATE_LIMITED));
  }

  @Test
  @DisplayName("a malformed event in a gateway's batch is skipped; the rest of the batch still counts")
  void malformedEventSkipped() {
    bobWatchesAlice();
    JsonObject batch = new JsonObject().put("gateway", "gw-1").put("events", new JsonArray()
        .add(new JsonObject().put("u", "not-a-uuid").put("d", alicePhone.toString()).put("t", "beat"))
        .add(new JsonObject().put("u", alice.toString()).put("d", alicePhone.toString()).put("t", "beat")));

    assertThat(presence.onEvents(batch).succeeded()).isTrue();
    assertThat(inboxes.of(bobPhone)).containsExactly(frame(alice, true, null));
  }

  // --- helpers -----------------------------------------------------------------------------------------------

  private void bobWatchesAlice() {
    if (channels.isEmpty()) {
      sharesAChannel(alice, bob);
    }
    assertThat(presence.subscribe(bob, bobPhone, List.of(alice)).result().getJsonArray("denied")).isEmpty();
  }

  private void sharesAChannel(UUID... members) {
    channels.add(Set.of(members));
  }

  private Future<Set<UUID>> coMembers(UUID user, Set<UUID> others) {
    Set<UUID> out = new LinkedHashSet<>();
    for (Set<UUID> channel : channels) {
      if (channel.contains(user)) {
        others.stream().filter(channel::contains).forEach(out::add);
      }
    }
    return Future.succeededFuture(out);
  }

  private void event(UUID user, UUID device, String type) {
    Future<Void> applied = presence.onEvents(new JsonObject().put("gateway", "gw-1").put("events",
        new JsonArray().add(new JsonObject().put("u", user.toString()).put("d", device.toString()).put("t", type))));
    assertThat(applied.succeeded()).as("%s of %s applied", type, device).isTrue();
  }

  private int sweep() {
    return presence.sweep(1_000).result();
  }

  private boolean online(UUID user) {
    return presence.query(List.of(user)).result().get(0).online();
  }

  private static JsonObject frame(UUID user, boolean online, Instant lastSeen) {
    JsonObject frame = new JsonObject().put("type", "presence").put("userId", user.toString()).put("online", online);
    return lastSeen == null ? frame : frame.put("lastSeen", lastSeen.toString());
  }

  // --- fakes -------------------------------------------------------------------------------------------------

  /** The Redis store's scripts, one Java method each (single-threaded, so each is trivially atomic). */
  private static final class FakeStore implements PresenceStore {
    private final Map<String, Long> deadlines = new HashMap<>();
    private final Map<UUID, Set<UUID>> devices = new HashMap<>();
    private final Map<UUID, Long> lastSeen = new HashMap<>();
    private final Set<UUID> hidden = new HashSet<>();

    private static String member(UUID user, UUID device) {
      return user + ":" + device;
    }

    private Set<UUID> devicesOf(UUID user) {
      return devices.computeIfAbsent(user, u -> new HashSet<>());
    }

    @Override
    public Future<Boolean> beat(UUID user, UUID device, long deadlineMs) {
      deadlines.put(member(user, device), deadlineMs);
      return Future.succeededFuture(devicesOf(user).add(device) && devicesOf(user).size() == 1);
    }

    @Override
    public Future<Void> closed(UUID user, UUID device, long deadlineMs) {
      deadlines.computeIfPresent(member(user, device), (m, old) -> deadlineMs);
      return Future.succeededFuture();
    }

    @Override
    public Future<Boolean> expire(UUID user, UUID device, long nowMs) {
      Long deadline = deadlines.get(member(user, device));
      if (deadline == null || deadline > nowMs) {
        return Future.succeededFuture(false);
      }
      return remove(user, device, nowMs);
    }

    @Override
    public Future<Boolean> remove(UUID user, UUID device, long nowMs) {
      boolean removed = deadlines.remove(member(user, device)) != null;
      devicesOf(user).remove(device);
      if (removed && devicesOf(user).isEmpty()) {
        lastSeen.put(user, nowMs);
        return Future.succeededFuture(true);
      }
      return Future.succeededFuture(false);
    }

    @Override
    public Future<List<String>> due(long nowMs, int limit) {
      return Future.succeededFuture(deadlines.entrySet().stream().filter(e -> e.getValue() <= nowMs)
          .sorted(Map.Entry.comparingByValue(Comparator.naturalOrder())).limit(limit).map(Map.Entry::getKey).toList());
    }

    @Override
    public Future<List<State>> states(List<UUID> users) {
      return Future.succeededFuture(users.stream().map(u -> new State(u, !devicesOf(u).isEmpty(),
          lastSeen.getOrDefault(u, 0L), hidden.contains(u))).toList());
    }

    @Override
    public Future<Void> setHideLastSeen(UUID user, boolean hide) {
      if (hide) {
        hidden.add(user);
      } else {
        hidden.remove(user);
      }
      return Future.succeededFuture();
    }
  }

  private static final class FakeSubscriptions implements Subscriptions {
    private final Map<UUID, Set<UUID>> watchers = new HashMap<>();
    private final Map<UUID, Set<UUID>> watching = new HashMap<>();

    @Override
    public Future<Integer> count(UUID device) {
      return Future.succeededFuture(watching.getOrDefault(device, Set.of()).size());
    }

    @Override
    public Future<Void> add(UUID device, Collection<UUID> targets) {
      for (UUID t : targets) {
        watchers.computeIfAbsent(t, x -> new LinkedHashSet<>()).add(device);
        watching.computeIfAbsent(device, x -> new LinkedHashSet<>()).add(t);
      }
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> remove(UUID device, Collection<UUID> targets) {
      Set<UUID> mine = watching.getOrDefault(device, new LinkedHashSet<>());
      for (UUID t : targets.isEmpty() ? List.copyOf(mine) : targets) {
        watchers.getOrDefault(t, new HashSet<>()).remove(device);
        mine.remove(t);
      }
      return Future.succeededFuture();
    }

    @Override
    public Future<List<UUID>> watchers(UUID target) {
      return Future.succeededFuture(List.copyOf(watchers.getOrDefault(target, Set.of())));
    }
  }

  /**
   * The fan-out as a subscriber sees it: each published change lands, as the frame a client receives, in the
   * inbox of every device watching that user at the time (the gateway hop is {@link EventBusPresenceFanout}'s).
   */
  private static final class Inboxes implements PresenceFanout {
    private final Subscriptions subscriptions;
    private final Map<UUID, List<JsonObject>> inboxes = new HashMap<>();

    Inboxes(Subscriptions subscriptions) {
      this.subscriptions = subscriptions;
    }

    @Override
    public Future<Integer> publish(PresenceStore.State state) {
      return subscriptions.watchers(state.userId()).map(devices -> {
        devices.forEach(d -> inboxes.computeIfAbsent(d, x -> new ArrayList<>()).add(PresenceFanout.frame(state, false)));
        return devices.size();
      });
    }

    List<JsonObject> of(UUID device) {
      return inboxes.getOrDefault(device, List.of());
    }

    void clear() {
      inboxes.clear();
    }
  }
}
