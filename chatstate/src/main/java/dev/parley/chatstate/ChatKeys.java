package dev.parley.chatstate;

import io.vertx.redis.client.Response;

import java.util.UUID;


/**
 * Chat-list and read state in Redis (docs/protocol.md, "Chats, read state, receipts, typing"):
 * <ul>
 *   <li>{@code parley:chat:{ch}:head} hash: {@code seq}, {@code ts}, {@code env} (the latest message's envelope),
 *       advanced only to a larger seq, so replays and late writes never move it back;</li>
 *   <li>{@code parley:chat:{ch}:state} hash of the members' state: {@code r:<user>} read seq, {@code d:<user>}
 *       delivered seq (both only ever grow), {@code u:<user>} marked unread, {@code m:<user>} muted;</li>
 *   <li>{@code parley:chats:{user}} sorted set: the user's channels scored by the time of their latest message
 *       (or of joining, before any message), only ever raised ({@code ZADD GT});</li>
 *   <li>{@code parley:prefs:read-receipts-off}: the users who turned read receipts off;</li>
 *   <li>{@code parley:chat:{ch}:restored} and the member {@code ~restored} of the receipts set: markers that the
 *       state was rebuilt from its durable copy in PostgreSQL after Redis started empty ({@link ChatRestore}).</li>
 * </ul>
 * Keys carry a hash tag per channel or user, so every script touches one slot (Redis Cluster ready). Every change is
 * one atomic command or Lua script; concurrent writers from any node cannot interleave inside one.
 */
final class ChatKeys {
  static final String RECEIPTS_OFF = "parley:prefs:read-receipts-off";
  /** A member of {@link #RECEIPTS_OFF} that is no user id: the set was restored from PostgreSQL (ChatRestore). */
  static final String RESTORED_MEMBER = "~restored";

  private ChatKeys() {
  }

  static String headKey(UUID channelId) {
    return "parley:chat:{" + channelId + "}:head";
  }

  static String stateKey(UUID channelId) {
    return "parley:chat:{" + channelId + "}:state";
  }

  /** Present once the channel's head and states were restored from PostgreSQL after Redis started empty. */
  static String restoredKey(UUID channelId) {
    return "parley:chat:{" + channelId + "}:restored";
  }

  static String indexKey(UUID userId) {
    return "parley:chats:{" + userId + "}";
  }

  static String syncedKey(UUID userId) {
    return "parley:chats:{" + userId + "}:synced";
  }

  /** A numeric reply, 0 when absent. */
  static long num(Response r) {
    return r == null ? 0 : Long.parseLong(r.toString());
  }
}
