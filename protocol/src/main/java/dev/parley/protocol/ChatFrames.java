package dev.parley.protocol;

import io.vertx.core.json.JsonObject;

import java.util.UUID;

/** The server → client frames of chat state (docs/protocol.md, "Chats, read state, receipts, typing"). */
public final class ChatFrames {
  private ChatFrames() {
  }

  /**
   * A user's view of one chat: position (ts), head, read cursor, unread count, flags. {@code last}: the latest
   * message's envelope (as {@link Envelope#toJson}), whose id, sender and kind (never the payload) are copied in,
   * or null before the first message.
   */
  public static JsonObject chat(UUID channelId, long lastSeq, long ts, long readSeq, boolean markedUnread,
                                boolean muted, JsonObject last) {
    JsonObject f = new JsonObject().put("type", "chat").put("channelId", channelId.toString())
        .put("lastSeq", lastSeq).put("ts", ts).put("readSeq", Math.min(readSeq, lastSeq))
        .put("unread", unread(lastSeq, readSeq)).put("markedUnread", markedUnread).put("muted", muted);
    if (last != null) {
      f.put("lastMsgId", last.getString("msgId")).put("lastSender", last.getString("sender"))
          .put("lastKind", last.getString("kind"));
    }
    return f;
  }

  /** Unread = lastSeq − readSeq, never negative (own messages advance the sender's read cursor). */
  public static long unread(long lastSeq, long readSeq) {
    return Math.max(0, lastSeq - readSeq);
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
