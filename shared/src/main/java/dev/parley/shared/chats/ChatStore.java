package dev.parley.shared.chats;

import dev.parley.protocol.ChatFrames;
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
 * Chat-list and read state in Redis (docs/protocol.md, "Chats, read state, receipts, typing"):
 * <ul>
 *   <li>{@code parley:chat:{ch}:head} hash: {@code seq}, {@code ts}, {@code env} (the latest message's envelope),
 *       advanced only to a larger seq, so replays and late writes never move it back;</li>
 *   <li>{@code parley:chat:{ch}:state} hash of the members' state: {@code r:<user>} read seq, {@code d:<user>}
 *       delivered seq (both only ever grow), {@code u:<user>} marked unread, {@code m:<user>} muted;</li>
 *   <li>{@code parley:chats:{user}} sorted set: the user's channels scored by the time of their latest message
 *       (or of joining, before any message), only ever raised ({@code ZADD GT});</li>
 *   <li>{@code parley:prefs:read-receipts-off}: the users who turned read receipts off.</li>
 * </ul>
 * Keys carry a hash tag per channel or user, so every script touches one slot (Redis Cluster ready). Every change is
 * one atomic command or Lua script; concurrent writers from any node cannot interleave inside one.
 */
public final class ChatStore {
  static final String RECEIPTS_OFF = "parley:prefs:read-receipts-off";
  private static final int BATCH = 500;

  // KEYS[1] head; ARGV seq, ts, envelope json. 1 when the head advanced.
  private static final String UPDATE_HEAD = """
      local cur = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
      if tonumber(ARGV[1]) > cur then
        redis.call('HSET', KEYS[1], 'seq', ARGV[1], 'ts', ARGV[2], 'env', ARGV[3])
        return 1
      end
      return 0
      """;

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

  // KEYS[1] index, KEYS[2] synced marker; ARGV cursor score ('' = first page), cursor channel, limit.
  // Returns [synced 0/1, member, score, ...], newest first; equal scores are ordered by channel id descending, so
  // the (score, channel) cursor is exact under ties.
  private static final String PAGE = """
      local lim = tonumber(ARGV[3])
      local out = {redis.call('EXISTS', KEYS[2])}
      if ARGV[1] == '' then
        local top = redis.call('ZRANGE', KEYS[1], '+inf', '-inf', 'BYSCORE', 'REV', 'LIMIT', 0, lim, 'WITHSCORES')
        for _, v in ipairs(top) do out[#out + 1] = v end
        return out
      end
      local ties = redis.call('ZRANGE', KEYS[1], ARGV[1], ARGV[1], 'BYSCORE', 'REV')
      for _, m in ipairs(ties) do
        if m < ARGV[2] and #out - 1 < lim * 2 then
          out[#out + 1] = m
          out[#out + 1] = ARGV[1]
        end
      end
      if #out - 1 < lim * 2 then
        local rest = redis.call('ZRANGE', KEYS[1], '(' .. ARGV[1], '-inf', 'BYSCORE', 'REV', 'LIMIT', 0,
          lim - (#out - 1) / 2, 'WITHSCORES')
        for _, v in ipairs(rest) do out[#out + 1] = v end
      end
      return out
      """;

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

  private final Redis redis;

  public ChatStore(Redis redis) {
    this.redis = redis;
  }

  public static String headKey(UUID channelId) {
    return "parley:chat:{" + channelId + "}:head";
  }

  public static String stateKey(UUID channelId) {
    return "parley:chat:{" + channelId + "}:state";
  }

  public static String indexKey(UUID userId) {
    return "parley:chats:{" + userId + "}";
  }

  static String syncedKey(UUID userId) {
    return "parley:chats:{" + userId + "}:synced";
  }

  /** Records a stored message as its channel's head unless a later one is already there. */
  public Future<Boolean> updateHead(UUID channelId, long seq, long ts, JsonObject envelope) {
    return redis.send(Request.cmd(Command.EVAL).arg(UPDATE_HEAD).arg(1).arg(headKey(channelId)).arg(seq).arg(ts)
        .arg(envelope.encode())).map(r -> r.toInteger() == 1);
  }

  public Future<Head> head(UUID channelId) {
    return redis.send(Request.cmd(Command.HMGET).arg(headKey(channelId)).arg("seq").arg("ts").arg("env"))
        .map(ChatStore::head);
  }

  /** Raises the channel's place in each user's chat index to {@code ts} (pipelined, in batches). */
  public Future<Void> touch(UUID channelId, Collection<UUID> users, long ts) {
    List<Request> all = new ArrayList<>(users.size());
    for (UUID u : users) {
      all.add(Request.cmd(Command.ZADD).arg(indexKey(u)).arg("GT").arg(ts).arg(channelId.toString()));
    }
    return batches(all);
  }

  /** Moves the user's read cursor forward to {@code seq} (capped at the head) and clears "marked unread". */
  public Future<Advance> markRead(UUID channelId, UUID user, long seq) {
    return advance("r:", channelId, user, seq, true);
  }

  /** Moves the user's delivered cursor forward to {@code seq} (capped at the head). */
  public Future<Advance> markDelivered(UUID channelId, UUID user, long seq) {
    return advance("d:", channelId, user, seq, false);
  }

  private Future<Advance> advance(String prefix, UUID channelId, UUID user, long seq, boolean clearMark) {
    return redis.send(Request.cmd(Command.EVAL).arg(ADVANCE).arg(2).arg(stateKey(channelId)).arg(headKey(channelId))
            .arg(prefix).arg(user.toString()).arg(seq).arg(clearMark ? "1" : "0"))
        .map(r -> new Advance(r.get(0).toLong(), r.get(1).toLong(), r.get(2).toInteger() == 1, r.get(3).toInteger() == 1));
  }

  public Future<Void> setMarkedUnread(UUID channelId, UUID user, boolean marked) {
    return flag(channelId, "u:" + user, marked);
  }

  public Future<Void> setMuted(UUID channelId, UUID user, boolean muted) {
    return flag(channelId, "m:" + user, muted);
  }

  private Future<Void> flag(UUID channelId, String field, boolean on) {
    Request r = on ? Request.cmd(Command.HSET).arg(stateKey(channelId)).arg(field).arg("1")
        : Request.cmd(Command.HDEL).arg(stateKey(channelId)).arg(field);
    return redis.send(r).mapEmpty();
  }

  /** The state of each of {@code users} in the channel (absent users have the empty state). */
  public Future<Map<UUID, MemberState>> states(UUID channelId, Collection<UUID> users) {
    if (users.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    List<UUID> order = List.copyOf(users);
    Request hmget = Request.cmd(Command.HMGET).arg(stateKey(channelId));
    order.forEach(u -> hmget.arg("r:" + u).arg("d:" + u).arg("u:" + u).arg("m:" + u));
    return redis.send(hmget).map(reply -> {
      Map<UUID, MemberState> out = new HashMap<>();
      for (int i = 0; i < order.size(); i++) {
        out.put(order.get(i), new MemberState(num(reply.get(4 * i)), num(reply.get(4 * i + 1)),
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

  /** Heads and the states of {@code stateUsers.get(ch)} for many channels, in one pipelined round trip. */
  public Future<Map<UUID, ChannelSnapshot>> snapshots(Map<UUID, List<UUID>> stateUsers) {
    return snapshots(stateUsers, List.of()).map(ListSnapshot::channels);
  }

  /** {@link #snapshots(Map)} plus which of {@code people} turned read receipts off, in the same round trip. */
  public record ListSnapshot(Map<UUID, ChannelSnapshot> channels, Set<UUID> receiptsOff) {
  }

  public Future<ListSnapshot> snapshots(Map<UUID, List<UUID>> stateUsers, Collection<UUID> people) {
    List<UUID> askOff = List.copyOf(people);
    List<UUID> channels = List.copyOf(stateUsers.keySet());
    List<Request> batch = new ArrayList<>(channels.size() * 2);
    for (UUID ch : channels) {
      batch.add(Request.cmd(Command.HMGET).arg(headKey(ch)).arg("seq").arg("ts").arg("env"));
      Request hmget = Request.cmd(Command.HMGET).arg(stateKey(ch));
      stateUsers.get(ch).forEach(u -> hmget.arg("r:" + u).arg("d:" + u).arg("u:" + u).arg("m:" + u));
      batch.add(hmget);
    }
    if (!askOff.isEmpty()) {
      Request r = Request.cmd(Command.SMISMEMBER).arg(RECEIPTS_OFF);
      askOff.forEach(u -> r.arg(u.toString()));
      batch.add(r);
    }
    if (batch.isEmpty()) {
      return Future.succeededFuture(new ListSnapshot(Map.of(), Set.of()));
    }
    return redis.batch(batch).map(replies -> {
      Set<UUID> off = new HashSet<>();
      if (!askOff.isEmpty()) {
        Response flags = replies.get(replies.size() - 1);
        for (int i = 0; i < askOff.size(); i++) {
          if (flags.get(i).toInteger() == 1) {
            off.add(askOff.get(i));
          }
        }
      }
      Map<UUID, ChannelSnapshot> out = new HashMap<>();
      for (int i = 0; i < channels.size(); i++) {
        UUID ch = channels.get(i);
        Response states = replies.get(2 * i + 1);
        Map<UUID, MemberState> byUser = new HashMap<>();
        List<UUID> users = stateUsers.get(ch);
        for (int j = 0; j < users.size(); j++) {
          byUser.put(users.get(j), new MemberState(num(states.get(4 * j)), num(states.get(4 * j + 1)),
              states.get(4 * j + 2) != null, states.get(4 * j + 3) != null));
        }
        out.put(ch, new ChannelSnapshot(head(replies.get(2 * i)), byUser));
      }
      return new ListSnapshot(out, off);
    });
  }

  /** A channel's head and some members' states, read together. */
  public record ChannelSnapshot(Head head, Map<UUID, MemberState> states) {
    public MemberState of(UUID user) {
      return states.getOrDefault(user, MemberState.NONE);
    }
  }

  /** A page of the index and whether the index counts as reconciled (see {@link #sync}). */
  public record Page(boolean synced, List<IndexEntry> entries) {
  }

  /** A page of the user's chat index, newest first, strictly after the cursor (null: from the top). */
  public Future<List<IndexEntry>> page(UUID user, IndexEntry after, int limit) {
    return pageAndSynced(user, after, limit).map(Page::entries);
  }

  /** {@link #page} and {@link #isSynced} in one round trip. */
  public Future<Page> pageAndSynced(UUID user, IndexEntry after, int limit) {
    Request eval = Request.cmd(Command.EVAL).arg(PAGE).arg(2).arg(indexKey(user)).arg(syncedKey(user))
        .arg(after == null ? "" : Long.toString(after.score())).arg(after == null ? "" : after.channelId().toString())
        .arg(limit);
    return redis.send(eval).map(reply -> {
      List<IndexEntry> out = new ArrayList<>(reply.size() / 2);
      for (int i = 1; i + 1 < reply.size(); i += 2) {
        out.add(new IndexEntry(UUID.fromString(reply.get(i).toString()), (long) Double.parseDouble(reply.get(i + 1).toString())));
      }
      return new Page(reply.get(0).toInteger() == 1, out);
    });
  }

  /** Removes channels from the user's index (the user left them). */
  public Future<Void> unindex(UUID user, Collection<UUID> channels) {
    if (channels.isEmpty()) {
      return Future.succeededFuture();
    }
    Request zrem = Request.cmd(Command.ZREM).arg(indexKey(user));
    channels.forEach(c -> zrem.arg(c.toString()));
    return redis.send(zrem).mapEmpty();
  }

  /** Forgets a former member's state in a channel. */
  public Future<Void> forget(UUID channelId, UUID user) {
    return redis.send(Request.cmd(Command.HDEL).arg(stateKey(channelId)).arg("r:" + user).arg("d:" + user)
        .arg("u:" + user).arg("m:" + user)).mapEmpty();
  }

  /** Whether the user's index was reconciled with the membership table within the sync period. */
  public Future<Boolean> isSynced(UUID user) {
    return redis.send(Request.cmd(Command.EXISTS).arg(syncedKey(user))).map(r -> r.toInteger() == 1);
  }

  /**
   * Reconciles the user's index with their memberships ({@code joinedMs}: channel → time joined): every channel is
   * present, scored by max(joined, latest message), entries of channels left are removed; marked as synced for
   * {@code ttlSeconds}.
   */
  public Future<Void> sync(UUID user, Map<UUID, Long> joinedMs, int ttlSeconds) {
    List<UUID> channels = List.copyOf(joinedMs.keySet());
    List<Request> heads = new ArrayList<>();
    channels.forEach(ch -> heads.add(Request.cmd(Command.HGET).arg(headKey(ch)).arg("ts")));
    Future<List<Response>> headTs = heads.isEmpty() ? Future.succeededFuture(List.of()) : redis.batch(heads);
    return headTs.compose(ts -> {
      List<Request> writes = new ArrayList<>();
      for (int i = 0; i < channels.size(); i++) {
        long score = Math.max(joinedMs.get(channels.get(i)), num(ts.get(i)));
        writes.add(Request.cmd(Command.ZADD).arg(indexKey(user)).arg("GT").arg(score).arg(channels.get(i).toString()));
      }
      return batches(writes);
    }).compose(v -> redis.send(Request.cmd(Command.ZRANGE).arg(indexKey(user)).arg(0).arg(-1)))
        .compose(indexed -> {
          List<UUID> stale = new ArrayList<>();
          for (Response r : indexed) {
            UUID ch = UUID.fromString(r.toString());
            if (!joinedMs.containsKey(ch)) {
              stale.add(ch);
            }
          }
          return unindex(user, stale);
        })
        .compose(v -> redis.send(Request.cmd(Command.SET).arg(syncedKey(user)).arg("1").arg("EX").arg(ttlSeconds)))
        .mapEmpty();
  }

  /** Turns the user's read receipts on or off (off: sends none and receives none). */
  public Future<Void> setReadReceipts(UUID user, boolean on) {
    return redis.send(Request.cmd(on ? Command.SREM : Command.SADD).arg(RECEIPTS_OFF).arg(user.toString())).mapEmpty();
  }

  /** Which of {@code users} turned read receipts off. */
  public Future<Set<UUID>> receiptsOff(Collection<UUID> users) {
    if (users.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    List<UUID> order = List.copyOf(users);
    Request r = Request.cmd(Command.SMISMEMBER).arg(RECEIPTS_OFF);
    order.forEach(u -> r.arg(u.toString()));
    return redis.send(r).map(reply -> {
      Set<UUID> off = new HashSet<>();
      for (int i = 0; i < order.size(); i++) {
        if (reply.get(i).toInteger() == 1) {
          off.add(order.get(i));
        }
      }
      return off;
    });
  }

  private Future<Void> batches(List<Request> all) {
    List<Future<List<Response>>> sent = new ArrayList<>();
    for (int i = 0; i < all.size(); i += BATCH) {
      sent.add(redis.batch(all.subList(i, Math.min(all.size(), i + BATCH))));
    }
    return Future.all(sent).mapEmpty();
  }

  private static Head head(Response r) {
    if (r == null || r.get(0) == null) {
      return Head.EMPTY;
    }
    return new Head(num(r.get(0)), num(r.get(1)), r.get(2) == null ? null : new JsonObject(r.get(2).toString()));
  }

  private static long num(Response r) {
    return r == null ? 0 : Long.parseLong(r.toString());
  }
}
