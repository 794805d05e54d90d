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
 * Each user's chat index in Redis: their channels scored by the time of the latest message (or of joining), only
 * ever raised, paged newest first, and reconciled with the membership table by {@link #sync}.
 */
public final class ChatIndex {
  private static final int BATCH = 500;

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

  private final Redis redis;
  private final ChatRestore restore;

  ChatIndex(Redis redis, ChatRestore restore) {
    this.redis = redis;
    this.restore = restore;
  }

  /** Raises the channel's place in each user's chat index to {@code ts} (pipelined, in batches). */
  public Future<Void> touch(UUID channelId, Collection<UUID> users, long ts) {
    List<Request> all = new ArrayList<>(users.size());
    for (UUID u : users) {
      all.add(Request.cmd(Command.ZADD).arg(ChatKeys.indexKey(u)).arg("GT").arg(ts).arg(channelId.toString()));
    }
    return batches(all);
  }

  /** A page of the user's chat index, newest first, strictly after the cursor (null: from the top). */
  public Future<List<ChatStore.IndexEntry>> page(UUID user, ChatStore.IndexEntry after, int limit) {
    return pageAndSynced(user, after, limit).map(ChatStore.Page::entries);
  }

  /** {@link #page} and {@link #isSynced} in one round trip. */
  public Future<ChatStore.Page> pageAndSynced(UUID user, ChatStore.IndexEntry after, int limit) {
    Request eval = Request.cmd(Command.EVAL).arg(PAGE).arg(2).arg(ChatKeys.indexKey(user)).arg(ChatKeys.syncedKey(user))
        .arg(after == null ? "" : Long.toString(after.score())).arg(after == null ? "" : after.channelId().toString())
        .arg(limit);
    return redis.send(eval).map(reply -> {
      List<ChatStore.IndexEntry> out = new ArrayList<>(reply.size() / 2);
      for (int i = 1; i + 1 < reply.size(); i += 2) {
        out.add(new ChatStore.IndexEntry(UUID.fromString(reply.get(i).toString()), (long) Double.parseDouble(reply.get(i + 1).toString())));
      }
      return new ChatStore.Page(reply.get(0).toInteger() == 1, out);
    });
  }

  /** Removes channels from the user's index (the user left them). */
  public Future<Void> unindex(UUID user, Collection<UUID> channels) {
    if (channels.isEmpty()) {
      return Future.succeededFuture();
    }
    Request zrem = Request.cmd(Command.ZREM).arg(ChatKeys.indexKey(user));
    channels.forEach(c -> zrem.arg(c.toString()));
    return redis.send(zrem).mapEmpty();
  }

  /** Whether the user's index was reconciled with the membership table within the sync period. */
  public Future<Boolean> isSynced(UUID user) {
    return redis.send(Request.cmd(Command.EXISTS).arg(ChatKeys.syncedKey(user))).map(r -> r.toInteger() == 1);
  }

  /**
   * Reconciles the user's index with their memberships ({@code joinedMs}: channel → time joined): every channel is
   * present, scored by max(joined, latest message), entries of channels left are removed; marked as synced for
   * {@code ttlSeconds}.
   */
  public Future<Void> sync(UUID user, Map<UUID, Long> joinedMs, int ttlSeconds) {
    List<UUID> channels = List.copyOf(joinedMs.keySet());
    List<Request> heads = new ArrayList<>();
    channels.forEach(ch -> heads.add(Request.cmd(Command.HGET).arg(ChatKeys.headKey(ch)).arg("ts")));
    // Heads restored first: after a Redis wipe the order comes back from the heads stored in PostgreSQL.
    Future<List<Response>> headTs = heads.isEmpty() ? Future.succeededFuture(List.of())
        : restore.ensure(channels).compose(v -> redis.batch(heads));
    return headTs.compose(ts -> {
      List<Request> writes = new ArrayList<>();
      for (int i = 0; i < channels.size(); i++) {
        long score = Math.max(joinedMs.get(channels.get(i)), ChatKeys.num(ts.get(i)));
        writes.add(Request.cmd(Command.ZADD).arg(ChatKeys.indexKey(user)).arg("GT").arg(score).arg(channels.get(i).toString()));
      }
      return batches(writes);
    }).compose(v -> redis.send(Request.cmd(Command.ZRANGE).arg(ChatKeys.indexKey(user)).arg(0).arg(-1)))
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
        .compose(v -> redis.send(Request.cmd(Command.SET).arg(ChatKeys.syncedKey(user)).arg("1").arg("EX").arg(ttlSeconds)))
        .mapEmpty();
  }

  private Future<Void> batches(List<Request> all) {
    List<Future<List<Response>>> sent = new ArrayList<>();
    for (int i = 0; i < all.size(); i += BATCH) {
      sent.add(redis.batch(all.subList(i, Math.min(all.size(), i + BATCH))));
    }
    return Future.all(sent).mapEmpty();
  }
}
