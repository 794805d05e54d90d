package dev.parley.chatstate;

import dev.parley.protocol.ChatFrames;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;

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
                        ChatSnapshots snapshots, ChatDurable durable) {

  /**
   * The store of a node: Redis as the working copy, PostgreSQL as the durable one (flags and settings written through,
   * cursors and heads written behind on a timer of the calling context), rebuilt into Redis when Redis lost it.
   */
  public static ChatStore on(Vertx vertx, Redis redis, Pool pg) {
    return with(redis, new ChatDurable(pg, new ChatWriteBehind(pg).start(vertx)));
  }

  /** Redis alone, nothing durable (unit tests and benchmarks that measure Redis only). */
  public static ChatStore on(Redis redis) {
    return with(redis, ChatDurable.NONE);
  }

  private static ChatStore with(Redis redis, ChatDurable durable) {
    ChatRestore restore = new ChatRestore(redis, durable);
    return new ChatStore(new ChatHeads(redis, restore, durable), new ChatCursors(redis, restore, durable),
        new ChatIndex(redis, restore), new ChatSettings(redis, restore, durable), new ChatSnapshots(redis, restore),
        durable);
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
