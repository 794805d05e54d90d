package dev.parley.presence;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Presence state in Redis. Each live device has a deadline (last heartbeat + grace) in one sorted set; each
 * user has the set of their live devices; last-seen is written when the last device goes. Every transition is
 * one Lua script, so it is atomic: when several presence nodes sweep the same expired device, exactly one of
 * them removes it and reports the user offline, and a heartbeat racing the sweep either keeps the device
 * (deadline moved) or starts a new online period — never both, never neither.
 *
 * <p>Keys: {@code parley:presence:deadlines} (ZSET "user:device" → deadline ms),
 * {@code parley:presence:devices:<user>} (SET), {@code parley:presence:lastseen:<user>} (ms),
 * {@code parley:presence:hide:<user>} (flag). With Redis Cluster the global sorted set would be sharded by a
 * hash tag per shard; one Redis (or a primary with replicas) holds it here.
 */
final class RedisPresenceStore implements PresenceStore {
  static final String DEADLINES = "parley:presence:deadlines";
  private static final String DEVICES = "parley:presence:devices:";
  private static final String LAST_SEEN = "parley:presence:lastseen:";
  private static final String HIDE = "parley:presence:hide:";

  /** KEYS: deadlines, devices; ARGV: member, deadline, device → 1 when the user just came online. */
  private static final String BEAT = """
      redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
      if redis.call('SADD', KEYS[2], ARGV[3]) == 1 and redis.call('SCARD', KEYS[2]) == 1 then return 1 end
      return 0""";
  /** KEYS: deadlines, devices, lastseen; ARGV: member, now, device → 1 when the user just went offline. */
  private static final String EXPIRE = """
      local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
      if not score or tonumber(score) > tonumber(ARGV[2]) then return 0 end
      redis.call('ZREM', KEYS[1], ARGV[1])
      redis.call('SREM', KEYS[2], ARGV[3])
      if redis.call('SCARD', KEYS[2]) == 0 then redis.call('SET', KEYS[3], ARGV[2]) return 1 end
      return 0""";
  /** KEYS: deadlines; ARGV: member, deadline: moves the deadline of a device that is still live, else nothing. */
  private static final String CLOSE = """
      if redis.call('ZSCORE', KEYS[1], ARGV[1]) then redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1]) end
      return 0""";
  /** Like EXPIRE but regardless of the deadline (logout). */
  private static final String REMOVE = """
      local removed = redis.call('ZREM', KEYS[1], ARGV[1])
      redis.call('SREM', KEYS[2], ARGV[3])
      if removed == 1 and redis.call('SCARD', KEYS[2]) == 0 then redis.call('SET', KEYS[3], ARGV[2]) return 1 end
      return 0""";

  private final Redis redis;

  RedisPresenceStore(Redis redis) {
    this.redis = redis;
  }

  static String member(UUID user, UUID device) {
    return user + ":" + device;
  }

  @Override
  public Future<Boolean> beat(UUID user, UUID device, long deadlineMs) {
    return eval(BEAT, List.of(DEADLINES, DEVICES + user), member(user, device), deadlineMs, device);
  }

  @Override
  public Future<Void> closed(UUID user, UUID device, long deadlineMs) {
    return eval(CLOSE, List.of(DEADLINES), member(user, device), deadlineMs).mapEmpty();
  }

  @Override
  public Future<Boolean> expire(UUID user, UUID device, long nowMs) {
    return eval(EXPIRE, List.of(DEADLINES, DEVICES + user, LAST_SEEN + user), member(user, device), nowMs, device);
  }

  @Override
  public Future<Boolean> remove(UUID user, UUID device, long nowMs) {
    return eval(REMOVE, List.of(DEADLINES, DEVICES + user, LAST_SEEN + user), member(user, device), nowMs, device);
  }

  @Override
  public Future<List<String>> due(long nowMs, int limit) {
    return redis.send(Request.cmd(Command.ZRANGEBYSCORE).arg(DEADLINES).arg("-inf").arg(nowMs).arg("LIMIT").arg(0).arg(limit))
        .map(r -> {
          List<String> out = new ArrayList<>(r.size());
          r.forEach(x -> out.add(x.toString()));
          return out;
        });
  }

  @Override
  public Future<List<State>> states(List<UUID> users) {
    if (users.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<Request> batch = new ArrayList<>(users.size() * 3);
    for (UUID u : users) {
      batch.add(Request.cmd(Command.SCARD).arg(DEVICES + u));
      batch.add(Request.cmd(Command.GET).arg(LAST_SEEN + u));
      batch.add(Request.cmd(Command.EXISTS).arg(HIDE + u));
    }
    return redis.batch(batch).map(replies -> {
      List<State> out = new ArrayList<>(users.size());
      for (int i = 0; i < users.size(); i++) {
        Response lastSeen = replies.get(i * 3 + 1);
        out.add(new State(users.get(i), replies.get(i * 3).toInteger() > 0,
            lastSeen == null ? 0 : lastSeen.toLong(), replies.get(i * 3 + 2).toInteger() == 1));
      }
      return out;
    });
  }

  @Override
  public Future<Void> setHideLastSeen(UUID user, boolean hide) {
    return (hide ? redis.send(Request.cmd(Command.SET).arg(HIDE + user).arg("1"))
        : redis.send(Request.cmd(Command.DEL).arg(HIDE + user))).mapEmpty();
  }

  private Future<Boolean> eval(String script, List<String> keys, Object... args) {
    Request request = Request.cmd(Command.EVAL).arg(script).arg(keys.size());
    keys.forEach(request::arg);
    for (Object a : args) {
      request.arg(a.toString());
    }
    return redis.send(request).map(r -> r.toInteger() == 1);
  }
}
