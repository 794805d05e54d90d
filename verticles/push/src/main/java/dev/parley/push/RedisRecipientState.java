package dev.parley.push;

import dev.parley.chatstate.ChatSnapshots;
import dev.parley.chatstate.ChatStore;
import dev.parley.shared.session.SessionDirectory;
import io.vertx.core.Future;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@link RecipientState} over the session directory and the chat store in Redis: one MGET for the session, one
 * pipelined read of the channel head and the member's state.
 */
public final class RedisRecipientState implements RecipientState {
  private final SessionDirectory sessions;
  private final ChatSnapshots chats;

  public RedisRecipientState(SessionDirectory sessions, ChatSnapshots chats) {
    this.sessions = sessions;
    this.chats = chats;
  }

  @Override
  public Future<Boolean> online(UUID deviceId) {
    return sessions.lookup(List.of(deviceId)).map(nodes -> nodes.containsKey(deviceId));
  }

  @Override
  public Future<ChannelView> channel(UUID channelId, UUID userId) {
    return chats.snapshots(Map.of(channelId, List.of(userId))).map(all -> {
      ChatStore.ChannelSnapshot snapshot = all.get(channelId);
      ChatStore.MemberState state = snapshot.of(userId);
      return new ChannelView(snapshot.head().seq(), state.readSeq(), state.muted());
    });
  }
}
