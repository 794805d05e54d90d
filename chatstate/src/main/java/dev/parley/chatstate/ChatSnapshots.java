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

/** Reads of heads and member states together, for many channels in one pipelined round trip. */
public final class ChatSnapshots {
  private final Redis redis;
  private final ChatRestore restore;

  ChatSnapshots(Redis redis, ChatRestore restore) {
    this.redis = redis;
    this.restore = restore;
  }

  /** Heads and the states of {@code stateUsers.get(ch)} for many channels, in one pipelined round trip. */
  public Future<Map<UUID, ChatStore.ChannelSnapshot>> snapshots(Map<UUID, List<UUID>> stateUsers) {
    return snapshots(stateUsers, List.of()).map(ChatStore.ListSnapshot::channels);
  }


  public Future<ChatStore.ListSnapshot> snapshots(Map<UUID, List<UUID>> stateUsers, Collection<UUID> people) {
    List<UUID> askOff = List.copyOf(people);
    List<UUID> channels = List.copyOf(stateUsers.keySet());
    List<Request> batch = new ArrayList<>(channels.size() * 2);
    for (UUID ch : channels) {
      batch.add(Request.cmd(Command.HMGET).arg(ChatKeys.headKey(ch)).arg("seq").arg("ts").arg("env"));
      Request hmget = Request.cmd(Command.HMGET).arg(ChatKeys.stateKey(ch));
      stateUsers.get(ch).forEach(u -> ChatCursors.askState(hmget, u));
      batch.add(hmget);
    }
    if (!askOff.isEmpty()) {
      Request r = Request.cmd(Command.SMISMEMBER).arg(ChatKeys.RECEIPTS_OFF);
      askOff.forEach(u -> r.arg(u.toString()));
      batch.add(r);
    }
    if (batch.isEmpty()) {
      return Future.succeededFuture(new ChatStore.ListSnapshot(Map.of(), Set.of()));
    }
    Future<Void> settings = askOff.isEmpty() ? Future.succeededFuture() : restore.ensureSettings();
    return Future.all(restore.ensure(channels), settings).compose(v -> redis.batch(batch)).map(replies -> {
      Set<UUID> off = new HashSet<>();
      if (!askOff.isEmpty()) {
        Response flags = replies.get(replies.size() - 1);
        for (int i = 0; i < askOff.size(); i++) {
          if (flags.get(i).toInteger() == 1) {
            off.add(askOff.get(i));
          }
        }
      }
      Map<UUID, ChatStore.ChannelSnapshot> out = new HashMap<>();
      for (int i = 0; i < channels.size(); i++) {
        UUID ch = channels.get(i);
        Response states = replies.get(2 * i + 1);
        Map<UUID, ChatStore.MemberState> byUser = new HashMap<>();
        List<UUID> users = stateUsers.get(ch);
        for (int j = 0; j < users.size(); j++) {
          byUser.put(users.get(j), ChatCursors.state(states, j));
        }
        out.put(ch, new ChatStore.ChannelSnapshot(ChatHeads.parse(replies.get(2 * i)), byUser));
      }
      return new ChatStore.ListSnapshot(out, off);
    });
  }
}
