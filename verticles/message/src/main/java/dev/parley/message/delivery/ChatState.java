package dev.parley.message.delivery;

import dev.parley.protocol.Envelope;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The chat-list and read state the message role keeps as messages are stored (Redis in production). */
public interface ChatState {
  /** Records {@code newest} as its channel's head unless a later message is already there. */
  Future<Void> advanceHead(Envelope newest);

  /**
   * Raises the channel to {@code ts} in each of {@code users}' chat index and moves each sender's read cursor to
   * its newest own message ({@code readUpTo}: user → seq), so own messages never count as unread.
   */
  Future<Void> index(UUID channelId, Collection<UUID> users, long ts, Map<UUID, Long> readUpTo);

  /**
   * Each of {@code users}' {@code chat} frame of the channel, at the stored head or at {@code newest} if the stored
   * head is behind it.
   */
  Future<Map<UUID, JsonObject>> views(Envelope newest, Collection<UUID> users);

  /** Which of {@code users} muted the channel (they get no notification jobs). */
  Future<Set<UUID>> muted(UUID channelId, Collection<UUID> users);
}
