package dev.parley.message.delivery;

import dev.parley.message.Sequencer.Outcome;
import dev.parley.protocol.Envelope;
import dev.parley.protocol.GatewayDelivery;
import dev.parley.shared.membership.Memberships.MemberDevice;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveryTest {
  static final UUID CHANNEL = id(100);
  static final UUID ALICE = id(1);
  static final UUID ALICE_PHONE = id(11);
  static final UUID ALICE_LAPTOP = id(12);
  static final UUID BOB = id(2);
  static final UUID BOB_PHONE = id(21);
  static final UUID CAROL = id(3);
  static final UUID CAROL_PHONE = id(31);

  final List<String> steps = new ArrayList<>();
  final Map<String, List<GatewayDelivery>> sent = new LinkedHashMap<>();
  final List<String> jobs = new ArrayList<>();
  final Map<UUID, String> online = new HashMap<>();
  Set<UUID> mutedUsers = Set.of();
  SimpleMeterRegistry registry;
  Delivery delivery;

  @BeforeEach
  void setUp() {
    registry = new SimpleMeterRegistry();
    List<MemberDevice> members = List.of(new MemberDevice(ALICE, ALICE_PHONE), new MemberDevice(ALICE, ALICE_LAPTOP),
        new MemberDevice(BOB, BOB_PHONE), new MemberDevice(CAROL, CAROL_PHONE));
    online.put(ALICE_PHONE, "g1");
    online.put(ALICE_LAPTOP, "g2");
    online.put(BOB_PHONE, "g1");
    delivery = new Delivery(
        channel -> {
          steps.add("members");
          return Future.succeededFuture(members);
        },
        devices -> {
          steps.add("sessions " + devices.size());
          Map<UUID, String> out = new HashMap<>();
          devices.forEach(d -> {
            if (online.containsKey(d)) {
              out.put(d, online.get(d));
            }
          });
          return Future.succeededFuture(out);
        },
        new FakeChats(),
        (node, d) -> sent.computeIfAbsent(node, n -> new ArrayList<>()).add(d),
        (env, user, device) -> {
          jobs.add(device + "@" + env.seq());
          return Future.succeededFuture();
        },
        new DeliveryMeters(registry), pauses());
  }

  final List<Long> pauses = new ArrayList<>();

  /** Records each repair pause and ends it at once. */
  Delivery.Pause pauses() {
    return delayMs -> {
      pauses.add(delayMs);
      return Future.succeededFuture();
    };
  }

  @Test
  @DisplayName("a batch goes out as one send per gateway carrying its acks, msgs (in seq order) and chat frames")
  void oneSendPerGatewayWithEveryFrame() {
    assertThat(delivery.deliver(List.of(stored(1, "a"), stored(2, "b"))).succeeded()).isTrue();

    assertThat(sent).containsOnlyKeys("g1", "g2");
    assertThat(sent.get("g1")).hasSize(1);
    assertThat(sent.get("g2")).hasSize(1);
    assertThat(frames(sent.get("g1").get(0))).containsExactly(
        "ack 1 -> [" + ALICE_PHONE + "]", "msg 1 -> [" + BOB_PHONE + "]",
        "ack 2 -> [" + ALICE_PHONE + "]", "msg 2 -> [" + BOB_PHONE + "]",
        "chat " + ALICE + " -> [" + ALICE_PHONE + "]", "chat " + BOB + " -> [" + BOB_PHONE + "]");
    assertThat(frames(sent.get("g2").get(0))).containsExactly(
        "msg 1 -> [" + ALICE_LAPTOP + "]", "msg 2 -> [" + ALICE_LAPTOP + "]",
        "chat " + ALICE + " -> [" + ALICE_LAPTOP + "]");
    assertThat(jobs).containsExactly(CAROL_PHONE + "@1", CAROL_PHONE + "@2");
    assertThat(registry.get("parley.delivery.lookups").tag("kind", "members").counter().count()).isEqualTo(1);
    assertThat(registry.get("parley.delivery.lookups").tag("kind", "sessions").counter().count()).isEqualTo(1);
    assertThat(registry.get("parley.delivery.sends").counter().count()).isEqualTo(2);
  }

  @Test
  @DisplayName("the chat head moves before the index, and the views are read after it; the sender's cursor advances")
  void stepsInOrder() {
    delivery.deliver(List.of(stored(1, "a"), stored(2, "b")));

    assertThat(steps).containsSubsequence("head 2", "index ts=2000 read={" + ALICE + "=2}", "views");
    assertThat(steps.indexOf("members")).isLessThan(steps.indexOf("views"));
    assertThat(steps).filteredOn(s -> s.startsWith("sessions")).containsExactly("sessions 4");
  }

  @Test
  @DisplayName("a retried send gets its ack again and nobody a second msg nor a notification")
  void duplicateOnlyAcked() {
    delivery.deliver(List.of(new Outcome(env(1, "a"), true)));

    assertThat(frames(sent.get("g1").get(0))).containsExactly("ack 1 -> [" + ALICE_PHONE + "]",
        "chat " + ALICE + " -> [" + ALICE_PHONE + "]", "chat " + BOB + " -> [" + BOB_PHONE + "]");
    assertThat(frames(sent.get("g2").get(0))).containsExactly("chat " + ALICE + " -> [" + ALICE_LAPTOP + "]");
    assertThat(jobs).isEmpty();
  }

  @Test
  @DisplayName("a member who muted the channel gets no notification job")
  void mutedGetNoJobs() {
    mutedUsers = Set.of(CAROL);
    delivery.deliver(List.of(stored(1, "a")));
    assertThat(jobs).isEmpty();
  }

  @Test
  @DisplayName("when the chat views fail the messages go out at once and the chat frames after a repair")
  void viewsFailureRepaired() {
    int[] failures = {2};
    delivery = new Delivery(c -> Future.succeededFuture(List.of(new MemberDevice(BOB, BOB_PHONE))),
        d -> Future.succeededFuture(Map.of(BOB_PHONE, "g1")), new FakeChats() {
          @Override
          public Future<Map<UUID, JsonObject>> views(Envelope newest, Collection<UUID> users) {
            return failures[0]-- > 0 ? Future.failedFuture("redis down") : super.views(newest, users);
          }
        }, (node, d) -> sent.computeIfAbsent(node, n -> new ArrayList<>()).add(d),
        (env, user, device) -> Future.succeededFuture(), new DeliveryMeters(registry), pauses());
    assertThat(delivery.deliver(List.of(stored(1, "a"))).succeeded()).isTrue();
    assertThat(sent.get("g1")).hasSize(2);
    assertThat(frames(sent.get("g1").get(0))).containsExactly("msg 1 -> [" + BOB_PHONE + "]");
    assertThat(frames(sent.get("g1").get(1))).containsExactly("chat " + BOB + " -> [" + BOB_PHONE + "]");
    assertThat(pauses).containsExactly(Delivery.REPAIR_FIRST_DELAY_MS, 2 * Delivery.REPAIR_FIRST_DELAY_MS);
    assertThat(registry.counter("parley.delivery.chat.repairs").count()).isEqualTo(2);
  }

  @Test
  @DisplayName("a failed index or head update is run again before the repaired chat frames go out")
  void indexAndHeadFailuresRepaired() {
    int[] headFailures = {1};
    int[] indexFailures = {2};
    delivery = new Delivery(c -> Future.succeededFuture(List.of(new MemberDevice(BOB, BOB_PHONE))),
        d -> Future.succeededFuture(Map.of(BOB_PHONE, "g1")), new FakeChats() {
          @Override
          public Future<Void> advanceHead(Envelope newest) {
            return headFailures[0]-- > 0 ? Future.failedFuture("redis down") : super.advanceHead(newest);
          }

          @Override
          public Future<Void> index(UUID channelId, Collection<UUID> users, long ts, Map<UUID, Long> readUpTo) {
            return indexFailures[0]-- > 0 ? Future.failedFuture("redis down")
                : super.index(channelId, users, ts, readUpTo);
          }
        }, (node, d) -> sent.computeIfAbsent(node, n -> new ArrayList<>()).add(d),
        (env, user, device) -> Future.succeededFuture(), new DeliveryMeters(registry), pauses());
    assertThat(delivery.deliver(List.of(stored(1, "a"))).succeeded()).isTrue();
    assertThat(steps).containsExactly("head 1", "head 1", "index ts=1000 read={" + ALICE + "=1}", "views");
    assertThat(frames(sent.get("g1").get(1))).containsExactly("chat " + BOB + " -> [" + BOB_PHONE + "]");
  }

  @Test
  @DisplayName("chat steps that keep failing are given up after the repair deadline, with pauses capped")
  void repairGivesUp() {
    delivery = new Delivery(c -> Future.succeededFuture(List.of(new MemberDevice(BOB, BOB_PHONE))),
        d -> Future.succeededFuture(Map.of(BOB_PHONE, "g1")), new FakeChats() {
          @Override
          public Future<Map<UUID, JsonObject>> views(Envelope newest, Collection<UUID> users) {
            return Future.failedFuture("redis down");
          }
        }, (node, d) -> sent.computeIfAbsent(node, n -> new ArrayList<>()).add(d),
        (env, user, device) -> Future.succeededFuture(), new DeliveryMeters(registry), pauses());
    assertThat(delivery.deliver(List.of(stored(1, "a"))).succeeded()).isTrue();
    assertThat(sent.get("g1")).hasSize(1);
    assertThat(pauses).allMatch(p -> p <= Delivery.REPAIR_MAX_DELAY_MS);
    assertThat(pauses.stream().mapToLong(Long::longValue).sum()).isGreaterThanOrEqualTo(Delivery.REPAIR_GIVE_UP_MS)
        .isLessThan(Delivery.REPAIR_GIVE_UP_MS + Delivery.REPAIR_MAX_DELAY_MS);
  }

  class FakeChats implements ChatState {
    @Override
    public Future<Void> advanceHead(Envelope newest) {
      steps.add("head " + newest.seq());
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> index(UUID channelId, Collection<UUID> users, long ts, Map<UUID, Long> readUpTo) {
      steps.add("index ts=" + ts + " read=" + readUpTo);
      return Future.succeededFuture();
    }

    @Override
    public Future<Map<UUID, JsonObject>> views(Envelope newest, Collection<UUID> users) {
      steps.add("views");
      Map<UUID, JsonObject> out = new LinkedHashMap<>();
      users.forEach(u -> out.put(u, new JsonObject().put("type", "chat").put("user", u.toString())));
      return Future.succeededFuture(out);
    }

    @Override
    public Future<Set<UUID>> muted(UUID channelId, Collection<UUID> users) {
      return Future.succeededFuture(mutedUsers);
    }
  }

  static List<String> frames(GatewayDelivery d) {
    List<String> out = new ArrayList<>();
    for (GatewayDelivery.Part p : d.parts()) {
      JsonObject f = p.frame();
      String what = "chat".equals(f.getString("type")) ? f.getString("user") : String.valueOf(f.getLong("seq"));
      out.add(f.getString("type") + " " + what + " -> " + p.devices());
    }
    return out;
  }

  static Outcome stored(long seq, String clientMsgId) {
    return new Outcome(env(seq, clientMsgId), false);
  }

  static Envelope env(long seq, String clientMsgId) {
    return new Envelope(CHANNEL, seq, 1_000 + seq, new byte[32], ALICE, ALICE_PHONE, clientMsgId, "application",
        new byte[] {1}, seq * 1_000);
  }

  static UUID id(int n) {
    return new UUID(0, n);
  }
}
