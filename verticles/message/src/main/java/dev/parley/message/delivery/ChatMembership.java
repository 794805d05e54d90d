package dev.parley.message.delivery;

import dev.parley.shared.Addresses;
import dev.parley.chatstate.ChatStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * Keeps the chat indexes in step with membership changes: a new member's chat appears at the top with everything
 * before joining read (it is not decryptable for them anyway, MLS); a former member's disappears with their state.
 * Failures are logged; the index heals on the user's next sync.
 */
public final class ChatMembership {
  private static final Logger LOG = LoggerFactory.getLogger(ChatMembership.class);

  private final ChatStore store;
  private final Clock clock;

  public ChatMembership(ChatStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Subscribes to membership-change publishes; completes once registered. */
  public Future<Void> listen(Vertx vertx) {
    return vertx.eventBus().<JsonObject>consumer(Addresses.MEMBERSHIP_CHANGED, m -> changed(m.body())).completion();
  }

  private void changed(JsonObject body) {
    UUID channelId;
    UUID userId;
    try {
      channelId = UUID.fromString(body.getString("channelId"));
      userId = UUID.fromString(body.getString("userId"));
    } catch (RuntimeException e) {
      return;
    }
    Future<Void> done;
    if ("removed".equals(body.getString("change"))) {
      done = store.index().unindex(userId, List.of(channelId)).compose(v -> store.cursors().forget(channelId, userId));
    } else {
      done = store.index().touch(channelId, List.of(userId), clock.millis())
          .compose(v -> store.heads().head(channelId))
          .compose(head -> store.cursors().markRead(channelId, userId, head.seq()))
          .mapEmpty();
    }
    done.onFailure(err -> LOG.warn("channel {} user {}: chat index membership update failed: {}", channelId, userId,
        err.toString()));
  }
}
