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
 * "marked unread" and "muted" flags. Every change is one atomic command or script; cursors reach PostgreSQL through
 * the write-behind, flags are written through before the change completes ({@link ChatDurable}).
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
  private final ChatRestore restore;
  private final ChatDurable durable;

  ChatCursors(Redis redis, ChatRestore restore, ChatDurable durable) {
    this.redis = redis;
    this.restore = restore;
    this.durable = durable;
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
    // Restored first: the cursor is capped at the head, which must be there.
    return restore.ensure(List.of(channelId))
        .compose(v -> redis.send(Request.cmd(Command.EVAL).arg(ADVANCE).arg(2).arg(ChatKeys.stateKey(channelId))
            .arg(ChatKeys.headKey(channelId)).arg(prefix).arg(user.toString()).arg(seq).arg(clearMark ? "1" : "0")))
        .map(r -> new ChatStore.Advance(r.get(0).toLong(), r.get(1).toLong(), r.get(2).toInteger() == 1, r.get(3).toInteger() == 1))
        .compose(adv -> {
          if (adv.advanced()) {
            if (clearMark) {
              durable.recordRead(channelId, user, adv.cursor());
            } else {
              durable.recordDelivered(channelId, user, adv.cursor());
            }
          }
          return adv.markCleared() ? durable.setMarkedUnread(channelId, user, false).map(adv) : Future.succeededFuture(adv);
        });
  }

  /** Sets or clears "marked unread", in Redis and then through to PostgreSQL. */
  public Future<Void> setMarkedUnread(UUID channelId, UUID user, boolean marked) {
    return flag(channelId, "u:" + user, marked).compose(v -> durable.setMarkedUnread(channelId, user, marked));
  }

  /** Sets or clears "muted", in Redis and then through to PostgreSQL. */
  public Future<Void> setMuted(UUID channelId, UUID user, boolean muted) {
    return flag(channelId, "m:" + user, muted).compose(v -> durable.setMuted(channelId, user, muted));
  }

  private Future<Void> flag(UUID channelId, String field, boolean on) {
    Request r = on ? Request.cmd(Command.HSET).arg(ChatKeys.stateKey(channelId)).arg(field).arg("1")
        : Request.cmd(Command.HDEL).arg(ChatKeys.stateKey(channelId)).arg(field);
    return restore.ensure(List.of(channelId)).compose(v -> redis.send(r)).mapEmpty();
  }

  /** The state of each of {@code users} in the channel (absent users have the empty state). */
  public Future<Map<UUID, ChatStore.MemberState>> states(UUID channelId, Collection<UUID> users) {
    if (users.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    List<UUID> order = List.copyOf(users);
    Request hmget = Request.cmd(Command.HMGET).arg(ChatKeys.stateKey(channelId));
    order.forEach(u -> askState(hmget, u));
    return restore.ensure(List.of(channelId)).compose(v -> redis.send(hmget)).map(reply -> {
      Map<UUID, ChatStore.MemberState> out = new HashMap<>();
      for (int i = 0; i < order.size(); i++) {
        out.put(order.get(i), state(reply, i));
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
    // Restored and deleted in PostgreSQL first, so no later restore brings the state back.
    return restore.ensure(List.of(channelId)).compose(v -> durable.forget(channelId, user))
        .compose(v -> redis.send(Request.cmd(Command.HDEL).arg(ChatKeys.stateKey(channelId)).arg("r:" + user)
            .arg("d:" + user).arg("u:" + user).arg("m:" + user))).mapEmpty();
  }

  /** Adds the four state fields of {@code user} to an HMGET of a channel's state hash (see {@link #state}). */
  static void askState(Request hmget, UUID user) {
    hmget.arg("r:" + user).arg("d:" + user).arg("u:" + user).arg("m:" + user);
  }

  /** The {@code index}-th user's state in the reply to an HMGET built with {@link #askState}. */
  static ChatStore.MemberState state(Response reply, int index) {
    return new ChatStore.MemberState(ChatKeys.num(reply.get(4 * index)), ChatKeys.num(reply.get(4 * index + 1)),
        reply.get(4 * index + 2) != null, reply.get(4 * index + 3) != null);
  }
}
