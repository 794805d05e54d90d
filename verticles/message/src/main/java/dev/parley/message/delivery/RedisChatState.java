package dev.parley.message.delivery;

import dev.parley.protocol.Envelope;
import dev.parley.chatstate.ChatStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** {@link ChatState} on the chat store in Redis. */
public final class RedisChatState implements ChatState {
  private final ChatStore store;

  public RedisChatState(ChatStore store) {
    this.store = store;
  }

  @Override
  public Future<Void> advanceHead(Envelope newest) {
    return store.heads().updateHead(newest.channelId(), newest.seq(), newest.ts(), newest.toJson()).mapEmpty();
  }

  @Override
  public Future<Void> index(UUID channelId, Collection<UUID> users, long ts, Map<UUID, Long> readUpTo) {
    List<Future<?>> writes = new ArrayList<>(readUpTo.size() + 1);
    writes.add(store.index().touch(channelId, users, ts));
    readUpTo.forEach((user, seq) -> writes.add(store.cursors().markRead(channelId, user, seq)));
    return Future.all(writes).mapEmpty();
  }

  @Override
  public Future<Map<UUID, JsonObject>> views(Envelope newest, Collection<UUID> users) {
    UUID channelId = newest.channelId();
    return store.snapshots().snapshots(Map.of(channelId, List.copyOf(users))).map(snap -> {
      ChatStore.ChannelSnapshot s = snap.get(channelId);
      // The head may already be past this message (a later one was indexed first): show the newer one.
      ChatStore.Head head = s.head().seq() >= newest.seq() ? s.head()
          : new ChatStore.Head(newest.seq(), newest.ts(), newest.toJson());
      Map<UUID, JsonObject> out = new HashMap<>();
      users.forEach(u -> out.put(u, head.chatFrame(channelId, s.of(u))));
      return out;
    });
  }

  @Override
  public Future<Set<UUID>> muted(UUID channelId, Collection<UUID> users) {
    return store.cursors().mutedAmong(channelId, users);
  }
}
