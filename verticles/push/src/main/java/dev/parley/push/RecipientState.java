package dev.parley.push;

import io.vertx.core.Future;

import java.util.UUID;

/**
 * What the push role reads about a recipient before each publish. Kept to this one small interface so the push role
 * does not depend on where sessions and chat state live (today Redis, through {@link RedisRecipientState}).
 */
public interface RecipientState {
  /** A channel as one member sees it: its last seq, the member's read cursor, and whether the member muted it. */
  record ChannelView(long lastSeq, long readSeq, boolean muted) {
    public long unread() {
      return Math.max(0, lastSeq - readSeq);
    }
  }

  /** Whether the device has a live session on some gateway now. */
  Future<Boolean> online(UUID deviceId);

  Future<ChannelView> channel(UUID channelId, UUID userId);
}
