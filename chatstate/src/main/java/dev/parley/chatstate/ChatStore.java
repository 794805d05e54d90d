package dev.parley.chatstate;

import dev.parley.protocol.ChatFrames;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Chat-list and read state in Redis (docs/protocol.md, "Chats, read state, receipts, typing"), split by concern:
 * channel heads, members' cursors and flags, users' chat indexes, settings, and combined snapshot reads. The key
 * schemes are in {@link ChatKeys}; this record only groups the parts and holds the data types they share.
 */
public record ChatStore(ChatHeads heads, ChatCursors cursors, ChatIndex index, ChatSettings settings,
                        ChatSnapshots snapshots) {

  public static ChatStore on(Redis redis) {
    return new ChatStore(new ChatHeads(redis), new ChatCursors(redis), new ChatIndex(redis), new ChatSettings(redis),
        new ChatSnapshots(redis));
  }

  /** A channel's latest message: its seq, time (epoch ms) and envelope (null before the first message). */
  public record Head(long seq, long ts, JsonObject envelope) {
    static final Head EMPTY = new Head(0, 0, null);

    /** A member's {@code chat} frame of this channel at this head. */
    public JsonObject chatFrame(UUID channelId, MemberState state) {
      return ChatFrames.chat(channelId, seq, ts, state.readSeq(), state.markedUnread(), state.muted(), envelope);
    }
  }

  /** One member's state in one channel. */
  public record MemberState(long readSeq, long deliveredSeq, boolean markedUnread, boolean muted) {
    static final MemberState NONE = new MemberState(0, 0, false, false);
  }

  /** The outcome of moving a cursor: where it is now, the channel head, whether it moved, whether a mark was cleared. */
  public record Advance(long cursor, long lastSeq, boolean advanced, boolean markCleared) {
  }

  /** An entry of a user's chat index: the channel and its sort score (epoch ms). */
  public record IndexEntry(UUID channelId, long score) {
  }

  /** {@link ChatSnapshots#snapshots(Map, java.util.Collection)}: channels plus who turned read receipts off. */
  public record ListSnapshot(Map<UUID, ChannelSnapshot> channels, Set<UUID> receiptsOff) {
  }

  /** A channel's head and some members' states, read together. */
  public record ChannelSnapshot(Head head, Map<UUID, MemberState> states) {
    public MemberState of(UUID user) {
      return states.getOrDefault(user, MemberState.NONE);
    }
  }

  /** A page of the index and whether the index counts as reconciled (see {@link ChatIndex#sync}). */
  public record Page(boolean synced, List<IndexEntry> entries) {
  }
}
