package dev.parley.presence;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Who watches whose presence, in Redis, kept in both directions: target user → subscriber devices (for fan-out)
 * and device → targets (so a disconnect or unsubscribe-all cleans up without scanning).
 */
final class RedisSubscriptions implements Subscriptions {
  private static final String WATCHERS = "parley:presence:subs:";
  private static final String WATCHING = "parley:presence:watching:";

  private final Redis redis;

  RedisSubscriptions(Redis redis) {
    this.redis = redis;
  }

  @Override
  public Future<Integer> count(UUID device) {
    return redis.send(Request.cmd(Command.SCARD).arg(WATCHING + device)).map(r -> r.toInteger());
  }

  @Override
  public Future<Void> add(UUID device, Collection<UUID> targets) {
    if (targets.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Request> batch = new ArrayList<>();
    Request watching = Request.cmd(Command.SADD).arg(WATCHING + device);
    for (UUID t : targets) {
      batch.add(Request.cmd(Command.SADD).arg(WATCHERS + t).arg(device.toString()));
      watching.arg(t.toString());
    }
    batch.add(watching);
    return redis.batch(batch).mapEmpty();
  }

  @Override
  public Future<Void> remove(UUID device, Collection<UUID> targets) {
    Future<List<String>> which = targets.isEmpty()
        ? redis.send(Request.cmd(Command.SMEMBERS).arg(WATCHING + device)).map(RedisSubscriptions::strings)
        : Future.succeededFuture(targets.stream().map(UUID::toString).toList());
    return which.compose(list -> {
      if (list.isEmpty()) {
        return Future.succeededFuture();
      }
      List<Request> batch = new ArrayList<>();
      Request watching = Request.cmd(Command.SREM).arg(WATCHING + device);
      for (String t : list) {
        batch.add(Request.cmd(Command.SREM).arg(WATCHERS + t).arg(device.toString()));
        watching.arg(t);
      }
      batch.add(watching);
      return redis.batch(batch).mapEmpty();
    });
  }

  @Override
  public Future<List<UUID>> watchers(UUID target) {
    return redis.send(Request.cmd(Command.SMEMBERS).arg(WATCHERS + target))
        .map(r -> strings(r).stream().map(UUID::fromString).toList());
  }

  private static List<String> strings(io.vertx.redis.client.Response r) {
    List<String> out = new ArrayList<>(r == null ? 0 : r.size());
    if (r != null) {
      r.forEach(x -> out.add(x.toString()));
    }
    return out;
  }
}
