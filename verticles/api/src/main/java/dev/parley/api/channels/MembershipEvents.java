package dev.parley.api.channels;

import dev.parley.shared.Addresses;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.util.Collection;
import java.util.UUID;

/**
 * Publishes {@link Addresses#MEMBERSHIP_CHANGED} after a membership change has committed, so that membership caches
 * (gateways, message consumers) drop their entry at once: a removed member must lose access immediately, not when a
 * cache entry expires.
 */
public final class MembershipEvents {
  public static final String ADDED = "added";
  public static final String REMOVED = "removed";

  private final EventBus eventBus;

  public MembershipEvents(EventBus eventBus) {
    this.eventBus = eventBus;
  }

  public void publish(UUID channelId, Collection<UUID> userIds, String change) {
    for (UUID userId : userIds) {
      eventBus.publish(Addresses.MEMBERSHIP_CHANGED, new JsonObject().put("channelId", channelId.toString())
          .put("userId", userId.toString()).put("change", change));
    }
  }
}
