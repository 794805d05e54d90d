package dev.parley.chatstate;

import dev.parley.shared.deps.Dependency;
import dev.parley.shared.deps.DependencyClients;
import dev.parley.shared.it.ItConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The chat store's scripts on the real Redis: cursors, heads, the index and its pagination. */
class ChatStoreIT {
  private static Vertx vertx;
  private static DependencyClients clients;
  private static ChatStore store;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    clients = DependencyClients.create(vertx, ItConfig.load(vertx), java.util.EnumSet.of(Dependency.REDIS));
    store = ChatStore.on(clients.redis());
  }

  @AfterAll
  static void stop() {
    await(clients.close());
    await(vertx.close());
  }

  private static JsonObject env(long seq) {
    return new JsonObject().put("seq", seq);
  }

  @Test
  @DisplayName("a head only moves to a larger seq; read and delivered cursors only grow and never pass the head")
  void cursorsMonotonicAndCapped() {
    UUID ch = UUID.randomUUID();
    UUID user = UUID.randomUUID();
    assertThat(await(store.heads().updateHead(ch, 5, 5_000, env(5)))).isTrue();
    assertThat(await(store.heads().updateHead(ch, 3, 3_000, env(3)))).isFalse();
    assertThat(await(store.heads().head(ch)).seq()).isEqualTo(5);

    assertThat(await(store.cursors().markRead(ch, user, 3))).isEqualTo(new ChatStore.Advance(3, 5, true, false));
    assertThat(await(store.cursors().markRead(ch, user, 2))).isEqualTo(new ChatStore.Advance(3, 5, false, false));
    assertThat(await(store.cursors().markRead(ch, user, 99))).isEqualTo(new ChatStore.Advance(5, 5, true, false));
    assertThat(await(store.cursors().markDelivered(ch, user, 4)).cursor()).isEqualTo(4);

    await(store.cursors().setMarkedUnread(ch, user, true));
    assertThat(await(store.cursors().states(ch, List.of(user))).get(user)).isEqualTo(new ChatStore.MemberState(5, 4, true, false));
    // Reading clears the mark even when the cursor does not move.
    assertThat(await(store.cursors().markRead(ch, user, 5))).isEqualTo(new ChatStore.Advance(5, 5, false, true));
  }

  @Test
  @DisplayName("100 racing reads of random seqs leave the cursor at the largest one")
  void racingReads() {
    UUID ch = UUID.randomUUID();
    UUID user = UUID.randomUUID();
    await(store.heads().updateHead(ch, 1_000, 1, env(1_000)));
    List<Future<ChatStore.Advance>> reads = new ArrayList<>();
    long max = 0;
    for (int i = 0; i < 100; i++) {
      long seq = java.util.concurrent.ThreadLocalRandom.current().nextLong(1, 1_000);
      max = Math.max(max, seq);
      reads.add(store.cursors().markRead(ch, user, seq));
    }
    await(Future.all(reads));
    assertThat(await(store.cursors().states(ch, List.of(user))).get(user).readSeq()).isEqualTo(max);
  }

  @Test
  @DisplayName("pages follow score then channel id, newest first, and the cursor is exact across equal scores")
  void paginationExactUnderTies() {
    UUID user = UUID.randomUUID();
    List<ChatStore.IndexEntry> all = new ArrayList<>();
    for (int i = 0; i < 37; i++) {
      UUID ch = UUID.randomUUID();
      long score = 1_000 + (i % 4); // many ties
      all.add(new ChatStore.IndexEntry(ch, score));
      await(store.index().touch(ch, List.of(user), score));
    }
    all.sort(Comparator.comparingLong(ChatStore.IndexEntry::score).thenComparing(e -> e.channelId().toString())
        .reversed());
    List<ChatStore.IndexEntry> walked = new ArrayList<>();
    ChatStore.IndexEntry cursor = null;
    while (true) {
      List<ChatStore.IndexEntry> page = await(store.index().page(user, cursor, 5));
      walked.addAll(page);
      if (page.size() < 5) {
        break;
      }
      cursor = page.get(page.size() - 1);
    }
    assertThat(walked).containsExactlyElementsOf(all);
    // ZADD GT: an older time never moves a chat down.
    await(store.index().touch(all.get(0).channelId(), List.of(user), 1));
    assertThat(await(store.index().page(user, null, 1)).get(0)).isEqualTo(all.get(0));
  }

  @Test
  @DisplayName("sync adds every channel (scored by max(joined, latest message)) and removes channels left")
  void syncReconciles() {
    UUID user = UUID.randomUUID();
    UUID left = UUID.randomUUID();
    UUID quiet = UUID.randomUUID();
    UUID busy = UUID.randomUUID();
    await(store.index().touch(left, List.of(user), 50));
    await(store.heads().updateHead(busy, 1, 9_000, env(1)));
    Map<UUID, Long> joined = new HashMap<>();
    joined.put(quiet, 2_000L);
    joined.put(busy, 1_000L);
    assertThat(await(store.index().isSynced(user))).isFalse();
    await(store.index().sync(user, joined, 60));
    assertThat(await(store.index().isSynced(user))).isTrue();
    assertThat(await(store.index().page(user, null, 10))).containsExactly(new ChatStore.IndexEntry(busy, 9_000),
        new ChatStore.IndexEntry(quiet, 2_000));
  }

  @Test
  @DisplayName("read-receipt opt-outs and mutes are reported per user")
  void preferences() {
    UUID ch = UUID.randomUUID();
    UUID a = UUID.randomUUID();
    UUID b = UUID.randomUUID();
    await(store.settings().setReadReceipts(a, false));
    assertThat(await(store.settings().receiptsOff(List.of(a, b)))).containsExactly(a);
    await(store.settings().setReadReceipts(a, true));
    assertThat(await(store.settings().receiptsOff(List.of(a, b)))).isEmpty();
    await(store.cursors().setMuted(ch, b, true));
    assertThat(await(store.cursors().mutedAmong(ch, List.of(a, b)))).containsExactly(b);
  }
}
