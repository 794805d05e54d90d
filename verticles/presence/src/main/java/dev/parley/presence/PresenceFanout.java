package dev.parley.presence;

import dev.parley.protocol.PresenceFrames;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** Pushes a user's presence change to the devices subscribed to that user (see {@link EventBusPresenceFanout}). */
interface PresenceFanout {
  /** Returns how many devices the change was sent to. */
  Future<Integer> publish(PresenceStore.State state);

  /**
   * The frame a client receives. {@code lastSeen} is left out while online, and for users who hide it
   * (unless {@code forSelf}).
   */
  static JsonObject frame(PresenceStore.State state, boolean forSelf) {
    boolean showLastSeen = !state.online() && state.lastSeenMs() > 0 && (forSelf || !state.hidesLastSeen());
    return PresenceFrames.presence(state.userId(), state.online(), showLastSeen ? state.lastSeenMs() : null);
  }
}
