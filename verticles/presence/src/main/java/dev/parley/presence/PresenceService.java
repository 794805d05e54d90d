package dev.parley.presence;

import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import dev.parley.shared.Futures;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The presence role's logic: session events from gateways, the offline sweep, subscriptions (only to users who
 * share a channel with the subscriber) and queries. Transitions are decided by {@link PresenceStore}'s atomic
 * scripts, so running several presence nodes reports each transition exactly once.
 */
final class PresenceService {
  private static final Logger LOG = LoggerFactory.getLogger(PresenceService.class);
  static final int MAX_TARGETS_PER_REQUEST = 500;
  /** Redis operations in flight per batch or sweep. */
  private static final int WAVE = 64;

  private final PresenceStore store;
  private final Subscriptions subscriptions;
  private final PresenceFanout fanout;
  private final CoMembers coMembers;
  private final Clock clock;
  private final long graceMs;
  private final int maxSubscriptionsPerDevice;

  PresenceService(PresenceStore store, Subscriptions subscriptions, PresenceFanout fanout, CoMembers coMembers, Clock clock,
                  long graceMs, int maxSubscriptionsPerDevice) {
    this.store = store;
    this.subscriptions = subscriptions;
    this.fanout = fanout;
    this.coMembers = coMembers;
    this.clock = clock;
    this.graceMs = graceMs;
    this.maxSubscriptionsPerDevice = maxSubscriptionsPerDevice;
  }

  /** Applies a gateway's batch of session events; malformed events are skipped and logged, never fatal. */
  Future<Void> onEvents(JsonObject batch) {
    JsonArray events = batch == null ? null : batch.getJsonArray("events");
    if (events == null) {
      return Future.failedFuture(new IllegalArgumentException("presence batch without events"));
    }
    List<JsonObject> valid = new ArrayList<>(events.size());
    for (Object o : events) {
      try {
        JsonObject e = (JsonObject) o;
        UUID.fromString(e.getString("u"));
        UUID.fromString(e.getString("d"));
        valid.add(e);
      } catch (RuntimeException err) {
        LOG.warn("skipping malformed presence event {} from gateway {}", o, batch.getString("gateway"));
      }
    }
    // A big gateway's batch holds thousands of events: bounded waves keep Redis' client pool from overflowing.
    return Futures.inWaves(valid, WAVE, e -> apply(UUID.fromString(e.getString("u")), UUID.fromString(e.getString("d")),
        e.getString("t"))).mapEmpty();
  }

  private Future<Void> apply(UUID user, UUID device, String type) {
    long now = clock.millis();
    return switch (type) {
      case "beat" -> store.beat(user, device, now + graceMs).compose(online -> online ? announce(user) : done());
      case "closed" -> store.closed(user, device, now + graceMs).compose(v -> subscriptions.remove(device, List.of()));
      case "logout" -> store.remove(user, device, now).compose(offline -> offline ? announce(user) : done())
          .compose(v -> subscriptions.remove(device, List.of()));
      default -> Future.failedFuture(new IllegalArgumentException("unknown presence event type " + type));
    };
  }

  /** Expires devices whose grace period ended; returns how many users went offline. */
  Future<Integer> sweep(int limit) {
    long now = clock.millis();
    return store.due(now, limit).compose(members -> Futures.inWaves(members, WAVE, member -> {
      int colon = member.indexOf(':');
      UUID user = UUID.fromString(member.substring(0, colon));
      UUID device = UUID.fromString(member.substring(colon + 1));
      return store.expire(user, device, now).compose(off -> off ? announce(user).map(true) : Future.succeededFuture(false));
    })).map(results -> (int) results.stream().filter(Boolean::booleanValue).count());
  }

  private Future<Void> announce(UUID user) {
    return store.states(List.of(user)).compose(states -> fanout.publish(states.get(0))).mapEmpty();
  }

  /**
   * Subscribes a device to the presence of {@code targets}; only users sharing a channel with the subscriber
   * are accepted (the rest are returned as denied). Replies with the current state of each accepted user.
   */
  Future<JsonObject> subscribe(UUID user, UUID device, List<UUID> targets) {
    if (targets.isEmpty() || targets.size() > MAX_TARGETS_PER_REQUEST) {
      return Future.failedFuture(new Refusal(ErrorCode.MALFORMED_FRAME, "userIds",
          "targets must hold 1 to " + MAX_TARGETS_PER_REQUEST + " user ids"));
    }
    Set<UUID> wanted = new LinkedHashSet<>(targets);
    wanted.remove(user);
    return coMembers.of(user, wanted).compose(ok -> subscriptions.count(device).compose(have -> {
      if (have + ok.size() > maxSubscriptionsPerDevice) {
        return Future.failedFuture(new Refusal(ErrorCode.RATE_LIMITED, "userIds",
            "a device may watch at most " + maxSubscriptionsPerDevice + " users"));
      }
      return subscriptions.add(device, ok).compose(v -> store.states(List.copyOf(ok)));
    }).map(states -> {
      JsonArray accepted = new JsonArray();
      states.forEach(s -> accepted.add(PresenceFanout.frame(s, false)));
      JsonArray denied = new JsonArray();
      wanted.stream().filter(t -> !ok.contains(t)).forEach(t -> denied.add(t.toString()));
      return new JsonObject().put("accepted", accepted).put("denied", denied);
    }));
  }

  Future<Void> unsubscribe(UUID device, List<UUID> targets) {
    return subscriptions.remove(device, targets);
  }

  Future<Void> setHideLastSeen(UUID user, boolean hide) {
    return store.setHideLastSeen(user, hide);
  }

  Future<List<PresenceStore.State>> query(List<UUID> users) {
    return store.states(users);
  }

  private static Future<Void> done() {
    return Future.succeededFuture();
  }
}
