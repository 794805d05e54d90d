package dev.parley.presence;

import dev.parley.protocol.GatewayDelivery;
import dev.parley.shared.Addresses;
import dev.parley.shared.session.SessionDirectory;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Pushes a user's presence change to the devices subscribed to that user, and only to those that have a live
 * session: one directory lookup, then one event-bus message per gateway node holding any of them. The cost of a
 * change is O(subscribers), never O(co-members). Subscribers found without a session are dropped from the
 * subscription set (their gateway died without cleaning up).
 */
final class EventBusPresenceFanout implements PresenceFanout {
  private final EventBus eventBus;
  private final Subscriptions subscriptions;
  private final SessionDirectory sessions;

  EventBusPresenceFanout(EventBus eventBus, Subscriptions subscriptions, SessionDirectory sessions) {
    this.eventBus = eventBus;
    this.subscriptions = subscriptions;
    this.sessions = sessions;
  }

  @Override
  public Future<Integer> publish(PresenceStore.State state) {
    return subscriptions.watchers(state.userId()).compose(devices -> sessions.lookup(devices).compose(live -> {
      new GatewayDelivery.PerNode().add(PresenceFanout.frame(state, false), devices, live).build()
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
}
