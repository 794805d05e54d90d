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

/** Per-user chat settings in Redis, written through to PostgreSQL: who turned read receipts off. */
public final class ChatSettings {
  private final Redis redis;
  private final ChatRestore restore;
  private final ChatDurable durable;

  ChatSettings(Redis redis, ChatRestore restore, ChatDurable durable) {
    this.redis = redis;
    this.restore = restore;
    this.durable = durable;
  }

  /** Turns the user's read receipts on or off (off: sends none and receives none). */
  public Future<Void> setReadReceipts(UUID user, boolean on) {
    return restore.ensureSettings()
        .compose(v -> redis.send(Request.cmd(on ? Command.SREM : Command.SADD).arg(ChatKeys.RECEIPTS_OFF).arg(user.toString())))
        .compose(v -> durable.setReadReceipts(user, on));
  }

  /** Which of {@code users} turned read receipts off. */
  public Future<Set<UUID>> receiptsOff(Collection<UUID> users) {
    if (users.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    List<UUID> order = List.copyOf(users);
    Request r = Request.cmd(Command.SMISMEMBER).arg(ChatKeys.RECEIPTS_OFF);
    order.forEach(u -> r.arg(u.toString()));
    return restore.ensureSettings().compose(v -> redis.send(r)).map(reply -> {
      Set<UUID> off = new HashSet<>();
      for (int i = 0; i < order.size(); i++) {
        if (reply.get(i).toInteger() == 1) {
          off.add(order.get(i));
        }
      }
      return off;
    });
  }
}
