package dev.parley.presence;

import dev.parley.protocol.GatewayDelivery;
import dev.parley.protocol.PresenceFrames;
import dev.parley.shared.Addresses;
import dev.parley.shared.session.SessionDirectory;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Pushes a user's presence change to the devices subscribed to that user, and only to those that have a live
 * session: one directory lookup, then one event-bus message per gateway node holding any of them. The cost of a
 * change is O(subscribers), never O(co-members). Subscribers found without a session are dropped from the
 * subscription set (their gateway died without cleaning up).
 */
final class PresenceFanout {
  private final EventBus eventBus;
  private final Subscriptions subscriptions;
  private final SessionDirectory sessions;

  PresenceFanout(EventBus eventBus, Subscriptions subscriptions, SessionDirectory sessions) {
    this.eventBus = eventBus;
    this.subscriptions = subscriptions;
    this.sessions = sessions;
  }

  /** Returns how many devices the change was sent to. */
  Future<Integer> publish(PresenceStore.State state) {
    return subscriptions.watchers(state.userId()).compose(devices -> sessions.lookup(devices).compose(live -> {
      new GatewayDelivery.PerNode().add(frame(state, false), devices, live).build()
          .forEach((node, delivery) -> eventBus.send(Addresses.gatewayDeliver(node), delivery.toJson()));
      List<Future<Void>> cleanups = new ArrayList<>();
      for (UUID device : devices) {
        if (!live.containsKey(device)) {
          cleanups.add(subscriptions.remove(device, List.of()));
        }
      }
      return Future.join(cleanups).map(live.size());
    }));
  }

  /**
   * The frame a client receives. {@code lastSeen} is left out while online, and for users who hide it
   * (unless {@code forSelf}).
   */
  static JsonObject frame(PresenceStore.State state, boolean forSelf) {
    boolean showLastSeen = !state.online() && state.lastSeenMs() > 0 && (forSelf || !state.hidesLastSeen());
    return PresenceFrames.presence(state.userId(), state.online(), showLastSeen ? state.lastSeenMs() : null);
  }
}
