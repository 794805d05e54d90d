package dev.parley.chatstate;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Rebuilds a channel's Redis state from PostgreSQL the first time it is touched after Redis lost it. Each channel
 * has a marker key, set in the same script that writes the restored values; no marker means "not restored since
 * Redis started empty". Every reader and writer of a channel's state calls {@link #ensure} first (one pipelined
 * EXISTS round trip when nothing is missing), so a wiped Redis is invisible to users: the first request for a
 * channel pays two PostgreSQL queries and then sees its state as before.
 *
 * <p>The restore script does nothing when the marker exists (another node restored first) and only raises values
 * that already exist (cursors and heads written since the wipe are newer), so racing restores and writes are safe.
 */
final class ChatRestore {
  // KEYS marker, head, state; ARGV head seq ('' none), ts, env, then per user: id, read, delivered, unread, muted.
  private static final String RESTORE = """
      if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
      if ARGV[1] ~= '' and tonumber(ARGV[1]) > tonumber(redis.call('HGET', KEYS[2], 'seq') or '0') then
        redis.call('HSET', KEYS[2], 'seq', ARGV[1], 'ts', ARGV[2], 'env', ARGV[3])
      end
      for i = 4, #ARGV, 5 do
        local u = ARGV[i]
        if tonumber(ARGV[i + 1]) > tonumber(redis.call('HGET', KEYS[3], 'r:' .. u) or '0') then
          redis.call('HSET', KEYS[3], 'r:' .. u, ARGV[i + 1])
        end
        if tonumber(ARGV[i + 2]) > tonumber(redis.call('HGET', KEYS[3], 'd:' .. u) or '0') then
          redis.call('HSET', KEYS[3], 'd:' .. u, ARGV[i + 2])
        end
        if ARGV[i + 3] == '1' then redis.call('HSET', KEYS[3], 'u:' .. u, '1') end
        if ARGV[i + 4] == '1' then redis.call('HSET', KEYS[3], 'm:' .. u, '1') end
      end
      redis.call('SET', KEYS[1], '1')
      return 1
      """;
  // KEYS the set; ARGV[1] its restored marker (a member that is no user id), then the users with read receipts off.
  private static final String RESTORE_SETTINGS = """
      if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 0 end
      for i = 2, #ARGV do redis.call('SADD', KEYS[1], ARGV[i]) end
      redis.call('SADD', KEYS[1], ARGV[1])
      return 1
      """;

  private final Redis redis;
  private final ChatDurable durable;

  ChatRestore(Redis redis, ChatDurable durable) {
    this.redis = redis;
    this.durable = durable;
  }

  /** Completes once every channel of {@code channels} has its state in Redis. */
  Future<Void> ensure(Collection<UUID> channels) {
    if (!durable.enabled() || channels.isEmpty()) {
      return Future.succeededFuture();
    }
    List<UUID> order = List.copyOf(channels);
    List<Request> exists = new ArrayList<>(order.size());
    order.forEach(ch -> exists.add(Request.cmd(Command.EXISTS).arg(ChatKeys.restoredKey(ch))));
    return redis.batch(exists).compose(replies -> {
      List<UUID> missing = new ArrayList<>();
      for (int i = 0; i < order.size(); i++) {
        if (replies.get(i).toInteger() == 0) {
          missing.add(order.get(i));
        }
      }
      return missing.isEmpty() ? Future.succeededFuture() : restore(missing);
    });
  }

  private Future<Void> restore(List<UUID> channels) {
    return durable.load(channels).compose(stored -> {
      List<Request> scripts = new ArrayList<>(channels.size());
      channels.forEach(ch -> scripts.add(script(ch, stored.get(ch))));
      return redis.batch(scripts).mapEmpty();
    });
  }

  private static Request script(UUID ch, ChatDurable.Stored s) {
    Request r = Request.cmd(Command.EVAL).arg(RESTORE).arg(3).arg(ChatKeys.restoredKey(ch)).arg(ChatKeys.headKey(ch))
        .arg(ChatKeys.stateKey(ch));
    if (s == null || s.head() == null) {
      r.arg("").arg("").arg("");
    } else {
      r.arg(s.head().seq()).arg(s.head().ts()).arg(s.envelope());
    }
    if (s != null) {
      for (Map.Entry<UUID, ChatStore.MemberState> e : s.states().entrySet()) {
        ChatStore.MemberState m = e.getValue();
        r.arg(e.getKey().toString()).arg(m.readSeq()).arg(m.deliveredSeq()).arg(m.markedUnread() ? "1" : "0")
            .arg(m.muted() ? "1" : "0");
      }
    }
    return r;
  }

  /** Completes once the read-receipt settings are in Redis. */
  Future<Void> ensureSettings() {
    if (!durable.enabled()) {
      return Future.succeededFuture();
    }
    return redis.send(Request.cmd(Command.SISMEMBER).arg(ChatKeys.RECEIPTS_OFF).arg(ChatKeys.RESTORED_MEMBER))
        .compose(r -> r.toInteger() == 1 ? Future.succeededFuture() : durable.receiptsOff().compose(off -> {
          Request eval = Request.cmd(Command.EVAL).arg(RESTORE_SETTINGS).arg(1).arg(ChatKeys.RECEIPTS_OFF)
              .arg(ChatKeys.RESTORED_MEMBER);
          off.forEach(u -> eval.arg(u.toString()));
          return redis.send(eval).<Void>mapEmpty();
        }));
  }
}
