package dev.parley.chatstate;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Each member's state in a channel, in Redis: read and delivered cursors (only ever advanced, never past the head),
 * "marked unread" and "muted" flags. Every change is one atomic command or script.
 */
public final class ChatCursors {
  // KEYS[1] state, KEYS[2] head; ARGV field prefix ('r:'/'d:'), user, seq, clear mark (1/0).
  // The cursor never passes the head nor moves back. Returns {cursor, head seq, advanced, mark cleared}.
  private static final String ADVANCE = """
      local head = tonumber(redis.call('HGET', KEYS[2], 'seq') or '0')
      local want = tonumber(ARGV[3])
      if want > head then want = head end
      local f = ARGV[1] .. ARGV[2]
      local cur = tonumber(redis.call('HGET', KEYS[1], f) or '0')
      local cleared = 0
      if ARGV[4] == '1' then cleared = redis.call('HDEL', KEYS[1], 'u:' .. ARGV[2]) end
      if want > cur then
        redis.call('HSET', KEYS[1], f, want)
        return {want, head, 1, cleared}
      end
      return {cur, head, 0, cleared}
      """;

  private final Redis redis;

  public ChatCursors(Redis redis) {
    this.redis = redis;
  }

  /** Moves the user's read cursor forward to {@code seq} (capped at the head) and clears "marked unread". */
  public Future<ChatStore.Advance> markRead(UUID channelId, UUID user, long seq) {
    return advance("r:", channelId, user, seq, true);
  }

  /** Moves the user's delivered cursor forward to {@code seq} (capped at the head). */
  public Future<ChatStore.Advance> markDelivered(UUID channelId, UUID user, long seq) {
    return advance("d:", channelId, user, seq, false);
  }

  private Future<ChatStore.Advance> advance(String prefix, UUID channelId, UUID user, long seq, boolean clearMark) {
    return redis.send(Request.cmd(Command.EVAL).arg(ADVANCE).arg(2).arg(ChatKeys.stateKey(channelId)).arg(ChatKeys.headKey(channelId))
            .arg(prefix).arg(user.toString()).arg(seq).arg(clearMark ? "1" : "0"))
        .map(r -> new ChatStore.Advance(r.get(0).toLong(), r.get(1).toLong(), r.get(2).toInteger() == 1, r.get(3).toInteger() == 1));
  }

  public Future<Void> setMarkedUnread(UUID channelId, UUID user, boolean marked) {
    return flag(channelId, "u:" + user, marked);
  }

  public Future<Void> setMuted(UUID channelId, UUID user, boolean muted) {
    return flag(channelId, "m:" + user, muted);
  }

  private Future<Void> flag(UUID channelId, String field, boolean on) {
    Request r = on ? Request.cmd(Command.HSET).arg(ChatKeys.stateKey(channelId)).arg(field).arg("1")
        : Request.cmd(Command.HDEL).arg(ChatKeys.stateKey(channelId)).arg(field);
    return redis.send(r).mapEmpty();
  }

  /** The state of each of {@code users} in the channel (absent users have the empty state). */
  public Future<Map<UUID, ChatStore.MemberState>> states(UUID channelId, Collection<UUID> users) {
    if (users.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    List<UUID> order = List.copyOf(users);
    Request hmget = Request.cmd(Command.HMGET).arg(ChatKeys.stateKey(channelId));
    order.forEach(u -> hmget.arg("r:" + u).arg("d:" + u).arg("u:" + u).arg("m:" + u));
    return redis.send(hmget).map(reply -> {
      Map<UUID, ChatStore.MemberState> out = new HashMap<>();
      for (int i = 0; i < order.size(); i++) {
        out.put(order.get(i), new ChatStore.MemberState(ChatKeys.num(reply.get(4 * i)), ChatKeys.num(reply.get(4 * i + 1)),
            reply.get(4 * i + 2) != null, reply.get(4 * i + 3) != null));
      }
      return out;
    });
  }

  /** Which of {@code users} muted the channel (for the notification path: no push to them). */
  public Future<Set<UUID>> mutedAmong(UUID channelId, Collection<UUID> users) {
    return states(channelId, users).map(states -> {
      Set<UUID> muted = new HashSet<>();
      states.forEach((u, s) -> {
        if (s.muted()) {
          muted.add(u);
        }
      });
      return muted;
    });
  }

  /** Forgets a former member's state in a channel. */
  public Future<Void> forget(UUID channelId, UUID user) {
    return redis.send(Request.cmd(Command.HDEL).arg(ChatKeys.stateKey(channelId)).arg("r:" + user).arg("d:" + user)
        .arg("u:" + user).arg("m:" + user)).mapEmpty();
  }
}
