package dev.parley.shared.chats;

import io.vertx.core.json.JsonObject;

import java.util.UUID;

/** The server → client frames of chat state (docs/protocol.md, "Chats, read state, receipts, typing"). */
public final class ChatFrames {
  private ChatFrames() {
  }

  /**
   * A user's view of one chat: position (ts), head, read cursor, unread count, flags. {@code last}: the latest
   * message's envelope, whose id, sender and kind (never the payload) are copied in, or null.
   */
  public static JsonObject chat(UUID channelId, ChatStore.Head head, ChatStore.MemberState state) {
    JsonObject f = new JsonObject().put("type", "chat").put("channelId", channelId.toString())
        .put("lastSeq", head.seq()).put("ts", head.ts()).put("readSeq", Math.min(state.readSeq(), head.seq()))
        .put("unread", unread(head, state)).put("markedUnread", state.markedUnread()).put("muted", state.muted());
    JsonObject env = head.envelope();
    if (env != null) {
      f.put("lastMsgId", env.getString("msgId")).put("lastSender", env.getString("sender"))
          .put("lastKind", env.getString("kind"));
    }
    return f;
  }

  /** Unread = lastSeq − readSeq, never negative (own messages advance the sender's read cursor). */
  public static long unread(ChatStore.Head head, ChatStore.MemberState state) {
    return Math.max(0, head.seq() - state.readSeq());
  }

  public static JsonObject receipt(UUID channelId, UUID userId, String kind, long seq) {
    return new JsonObject().put("type", "receipt").put("channelId", channelId.toString())
        .put("userId", userId.toString()).put("kind", kind).put("seq", seq);
  }

  public static JsonObject typing(UUID channelId, UUID userId, UUID deviceId, boolean typing) {
    return new JsonObject().put("type", "typing").put("channelId", channelId.toString())
        .put("userId", userId.toString()).put("deviceId", deviceId.toString()).put("state", typing ? "start" : "stop");
  }
}
