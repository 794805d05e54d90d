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
 * Each channel's head in Redis: its latest message's seq, time and envelope, only ever advanced; written behind to
 * PostgreSQL ({@code chat_heads}), from which a lost head and every user's chat order are rebuilt.
 */
public final class ChatHeads {
  // KEYS[1] head; ARGV seq, ts, envelope json. 1 when the head advanced.
  private static final String UPDATE_HEAD = """
      local cur = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
      if tonumber(ARGV[1]) > cur then
        redis.call('HSET', KEYS[1], 'seq', ARGV[1], 'ts', ARGV[2], 'env', ARGV[3])
        return 1
      end
      return 0
      """;

  private final Redis redis;
  private final ChatRestore restore;
  private final ChatDurable durable;

  ChatHeads(Redis redis, ChatRestore restore, ChatDurable durable) {
    this.redis = redis;
    this.restore = restore;
    this.durable = durable;
  }

  /** Records a stored message as its channel's head unless a later one is already there. */
  public Future<Boolean> updateHead(UUID channelId, long seq, long ts, JsonObject envelope) {
    String env = envelope.encode();
    // No restore needed: the script only raises the head, and a restore only raises it further.
    return redis.send(Request.cmd(Command.EVAL).arg(UPDATE_HEAD).arg(1).arg(ChatKeys.headKey(channelId)).arg(seq).arg(ts)
        .arg(env)).map(r -> {
          boolean advanced = r.toInteger() == 1;
          if (advanced) {
            durable.recordHead(channelId, seq, ts, env);
          }
          return advanced;
        });
  }

  public Future<ChatStore.Head> head(UUID channelId) {
    return restore.ensure(List.of(channelId)).compose(v -> redis.send(Request.cmd(Command.HMGET).arg(ChatKeys.headKey(channelId)).arg("seq").arg("ts").arg("env")))
        .map(ChatHeads::parse);
  }

  /** Parses an HMGET of seq, ts, env (all absent: the empty head). */
  static ChatStore.Head parse(Response r) {
    if (r == null || r.get(0) == null) {
      return ChatStore.Head.EMPTY;
    }
    return new ChatStore.Head(ChatKeys.num(r.get(0)), ChatKeys.num(r.get(1)), r.get(2) == null ? null : new JsonObject(r.get(2).toString()));
  }
}
