package dev.parley.chatstate;

import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.Dependency;
import dev.parley.shared.deps.DependencyClients;
import dev.parley.shared.it.ItConfig;
import dev.parley.shared.schema.PostgresMigrator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18: a user's chats survive the loss of Redis. State is written through the real store (Redis + PostgreSQL),
 * then Redis is killed with -9, its data directory deleted and it is started again empty; the same user's chats must
 * come back with the same lastSeq, read cursor (so unread count), mark-unread, mute, read-receipt setting and order.
 * Takes Redis away: run under {@code flock -x /tmp/parley-infra.lock}; leaves it running and ready.
 */
class ChatStateDurabilityIT {
  private static Vertx vertx;
  private static DependencyClients clients;
  private static ChatStore store;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    ParleyConfig config = ItConfig.load(vertx);
    await(vertx.executeBlocking(() -> PostgresMigrator.migrate(config.pg())));
    clients = DependencyClients.create(vertx, config, EnumSet.of(Dependency.REDIS, Dependency.POSTGRES));
    store = ChatStore.on(vertx, clients.redis(), clients.pg());
  }

  @AfterAll
  static void stop() {
    await(clients.close());
    await(vertx.close());
  }

  private record Seen(Map<UUID, ChatStore.ChannelSnapshot> chats, java.util.Set<UUID> receiptsOff,
                      List<ChatStore.IndexEntry> order) {
  }

  private static Seen look(UUID user, UUID peer, Map<UUID, Long> joined) {
    if (!await(store.index().isSynced(user))) {
      await(store.index().sync(user, joined, 3600));
    }
    Map<UUID, List<UUID>> who = new LinkedHashMap<>();
    joined.keySet().forEach(ch -> who.put(ch, List.of(user, peer)));
    ChatStore.ListSnapshot snap = await(store.snapshots().snapshots(who, List.of(user, peer)));
    return new Seen(snap.channels(), snap.receiptsOff(), await(store.index().page(user, null, 50)));
  }

  @Test
  @DisplayName("after Redis kill -9, data deleted and restart: lastSeq, unread, mark-unread, mute, receipts and order are back")
  void chatsSurviveRedisWipe() throws Exception {
    UUID user = UUID.randomUUID();
    UUID peer = UUID.randomUUID();
    UUID busy = UUID.randomUUID();
    UUID marked = UUID.randomUUID();
    UUID muted = UUID.randomUUID();
    Map<UUID, Long> joined = new HashMap<>();
    for (UUID ch : List.of(busy, marked, muted)) {
      joined.put(ch, 1_000L);
    }
    await(store.heads().updateHead(muted, 3, 10_000, new JsonObject().put("seq", 3).put("text", "m")));
    await(store.heads().updateHead(busy, 9, 30_000, new JsonObject().put("seq", 9).put("text", "b")));
    await(store.heads().updateHead(marked, 4, 20_000, new JsonObject().put("seq", 4).put("text", "k")));
    await(store.cursors().markRead(busy, user, 6));
    await(store.cursors().markRead(busy, peer, 9));
    await(store.cursors().markDelivered(busy, peer, 9));
    await(store.cursors().markRead(marked, user, 4));
    await(store.cursors().setMarkedUnread(marked, user, true));
    await(store.cursors().setMuted(muted, user, true));
    await(store.settings().setReadReceipts(peer, false));
    Seen before = look(user, peer, joined);
    assertThat(before.order()).extracting(ChatStore.IndexEntry::channelId).containsExactly(busy, marked, muted);
    assertThat(before.chats().get(busy).of(user)).isEqualTo(new ChatStore.MemberState(6, 0, false, false));
    assertThat(before.receiptsOff()).containsExactly(peer);
    // What the write-behind would have written within its interval anyway.
    await(store.durable().flush());

    RedisWipe.killWipeRestart(clients.redis());
    assertThat(await(clients.redis().send(Request.cmd(Command.EXISTS).arg(ChatKeys.headKey(busy)))).toInteger())
        .as("Redis came back empty").isZero();

    Seen after = look(user, peer, joined);
    assertThat(after.order()).isEqualTo(before.order());
    assertThat(after.receiptsOff()).isEqualTo(before.receiptsOff());
    for (UUID ch : joined.keySet()) {
      ChatStore.ChannelSnapshot b = before.chats().get(ch);
      ChatStore.ChannelSnapshot a = after.chats().get(ch);
      assertThat(a.head().seq()).as("lastSeq of %s", ch).isEqualTo(b.head().seq());
      assertThat(a.head().ts()).isEqualTo(b.head().ts());
      assertThat(a.head().envelope()).isEqualTo(b.head().envelope());
      assertThat(a.of(user)).as("user's state in %s", ch).isEqualTo(b.of(user));
      assertThat(a.of(peer)).as("peer's state in %s", ch).isEqualTo(b.of(peer));
    }
    // And the store keeps working on the restored state: reading clears the mark, the cursor stays capped.
    assertThat(await(store.cursors().markRead(marked, user, 99))).isEqualTo(new ChatStore.Advance(4, 4, false, true));
    assertThat(await(store.cursors().markRead(busy, user, 99))).isEqualTo(new ChatStore.Advance(9, 9, true, false));
    assertThat(RedisWipe.status()).as("Redis left running and ready").isZero();
  }
}
