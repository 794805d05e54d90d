package dev.parley.message;

import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.Dependency;
import dev.parley.shared.deps.DependencyClients;
import dev.parley.shared.ids.MsgIdGenerator;
import dev.parley.shared.it.ItConfig;
import dev.parley.protocol.ChainHash;
import dev.parley.protocol.Envelope;
import dev.parley.protocol.SendRecord;
import io.vertx.core.Future;
import dev.parley.stores.messages.MessageReads;
import dev.parley.stores.messages.MessageTable;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;

import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sequencer against the real Cassandra: a writer that lost its partition without noticing (stale head) can
 * never store under a taken seq, and a writer that died between the message row and its dedup/head rows leaves
 * nothing a successor would store twice.
 */
class SequencerFencingIT {
  private static Vertx vertx;
  private static DependencyClients clients;
  private static ParleyConfig config;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
    config = ItConfig.load(vertx);
    ItConfig.migrate(vertx, config);
    clients = DependencyClients.create(vertx, config, EnumSet.of(Dependency.CASSANDRA));
  }

  @AfterAll
  static void tearDown() {
    await(clients.close());
    await(vertx.close());
  }

  private static MessageStore store() {
    MessageStore store = new MessageStore(clients.cassandra(), config.cassandra().keyspace(), 10,
        config.message().dedupTtlSeconds());
    await(store.prepare());
    return store;
  }

  /** The history reader's view of what was stored (the same table layout: 10 seqs per bucket). */
  private static MessageReads reads() {
    return await(new MessageReads(clients.cassandra(), new MessageTable(config.cassandra().keyspace(), 10)).prepare());
  }

  private static Sequencer sequencer(MessageStore store, int worker) {
    return new Sequencer(store, new MsgIdGenerator(worker, Clock.systemUTC()), Clock.systemUTC());
  }

  private static SendRecord send(UUID channel, UUID device, String clientMsgId) {
    return new SendRecord(channel, UUID.randomUUID(), device, clientMsgId, "application",
        clientMsgId.getBytes(StandardCharsets.UTF_8), "it", 0);
  }

  /**
   * A writer (worker {@code zombieWorker}, on {@code zombieStore}) that stored "z-0" as seq 1 and cached that head,
   * then lost the channel to an owner (worker {@code ownerWorker}) that stored "o-1".."o-n" as seqs 2..n+1.
   */
  private static Sequencer zombieBehindOwner(UUID channel, UUID device, MessageStore zombieStore, int zombieWorker,
                                      int ownerWorker, int ownerSends) {
    Sequencer zombie = sequencer(zombieStore, zombieWorker);
    Sequencer owner = sequencer(store(), ownerWorker);
    assertThat(await(process(zombie, send(channel, device, "z-0"))).envelope().seq()).isEqualTo(1);
    for (int i = 1; i <= ownerSends; i++) {
      assertThat(await(process(owner, send(channel, device, "o-" + i))).envelope().seq()).isEqualTo(i + 1);
    }
    return zombie;
  }

  @Test
  @DisplayName("a zombie writer with a stale head cannot overwrite a taken seq; it re-reads and appends after")
  void zombieIsFenced() {
    UUID channel = UUID.randomUUID();
    UUID device = UUID.randomUUID();
    MessageStore storeA = store();
    // The partition moves: the new owner writes 2..13 (across a bucket boundary) while the zombie still thinks 1.
    Sequencer zombie = zombieBehindOwner(channel, device, storeA, 1, 2, 12);
    Sequencer.Outcome late = await(process(zombie, send(channel, device, "z-1")));
    assertThat(late.duplicate()).isFalse();
    assertThat(late.envelope().seq()).isEqualTo(14);
    Sequencer.Outcome replay = await(process(zombie, send(channel, device, "o-5")));
    assertThat(replay.duplicate()).as("a send the owner stored is recognised, not stored again").isTrue();
    assertThat(replay.envelope().seq()).isEqualTo(6);

    List<Envelope> all = await(reads().range(channel, 1, 100));
    assertThat(all).extracting(Envelope::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L);
    assertThat(all.get(0).clientMsgId()).isEqualTo("z-0");
    assertChain(all);
  }

  @Test
  @DisplayName("after the store lost acknowledged rows (a crash before the commit-log sync) and the head is reloaded, "
      + "no seq a client was told about is handed out again")
  void lostRowsAreNeverReused() {
    UUID channel = UUID.randomUUID();
    UUID device = UUID.randomUUID();
    MessageStore store = store();
    Sequencer sequencer = sequencer(store, 4);
    Envelope acked = null;
    for (int i = 1; i <= 5; i++) {
      acked = await(process(sequencer, send(channel, device, "m-" + i))).envelope();
    }
    // What a Cassandra kill -9 with an unsynced commit log leaves: rows 4 and 5 and the head hint past 3 are gone.
    String ks = config.cassandra().keyspace();
    await(clients.cassandra().execute("DELETE FROM " + ks + ".messages WHERE channel_id = " + channel
        + " AND bucket = 0 AND seq IN (4, 5)"));
    await(clients.cassandra().execute("DELETE FROM " + ks + ".channel_heads WHERE channel_id = " + channel));
    sequencer.forgetHeads(); // as the consumer does after a failed batch

    Sequencer.Outcome next = await(process(sequencer, send(channel, device, "m-6")));
    assertThat(next.envelope().seq()).as("seq after the acknowledged seq 5").isEqualTo(6);
    assertThat(ChainHash.next(acked.hash(), 6, next.envelope().msgId(), next.envelope().senderUser(), device,
        "application", next.envelope().payload())).as("the chain continues from the acknowledged seq 5")
        .isEqualTo(next.envelope().hash());
    assertThat(await(reads().range(channel, 1, 10))).extracting(Envelope::seq).containsExactly(1L, 2L, 3L, 6L);
  }

  @Test
  @DisplayName("a writer that died after the message row but before dedup/head: the retry is a duplicate, not seq 2")
  void crashBetweenWritesIsRepaired() {
    UUID channel = UUID.randomUUID();
    UUID device = UUID.randomUUID();
    MessageStore store = store();
    SendRecord s = send(channel, device, "crash-1");
    byte[] hash = ChainHash.next(ChainHash.genesis(), 1, 42, s.senderUser(), device, s.kind(), s.payload());
    Envelope half = new Envelope(channel, 1, 42, hash, s.senderUser(), device, "crash-1", "application", s.payload(),
        System.currentTimeMillis());
    assertThat(await(store.insertIfAbsent(List.of(half)))).isTrue();

    Sequencer successor = sequencer(store(), 3);
    Sequencer.Outcome retry = await(process(successor, s));
    assertThat(retry.duplicate()).isTrue();
    assertThat(retry.envelope().seq()).isEqualTo(1);
    Sequencer.Outcome next = await(process(successor, send(channel, device, "crash-2")));
    assertThat(next.envelope().seq()).isEqualTo(2);
    assertChain(await(reads().range(channel, 1, 10)));
  }

  @Test
  @DisplayName("a send repeated inside one batch is stored once; a send stored by an earlier batch is a duplicate")
  void duplicatesInsideOneBatch() {
    UUID channel = UUID.randomUUID();
    UUID device = UUID.randomUUID();
    MessageStore store = store();
    Sequencer sequencer = sequencer(store, 4);
    assertThat(await(process(sequencer, send(channel, device, "early"))).envelope().seq()).isEqualTo(1);

    List<Sequencer.Outcome> out = await(process(sequencer, List.of(send(channel, device, "a"),
        send(channel, device, "b"), send(channel, device, "a"), send(channel, device, "early"),
        send(channel, device, "c"), send(channel, device, "early"))));
    assertThat(out).extracting(o -> o.envelope().seq()).containsExactly(2L, 3L, 2L, 1L, 4L, 1L);
    assertThat(out).extracting(Sequencer.Outcome::duplicate).containsExactly(false, false, true, true, false, true);
    assertThat(out.get(2).envelope().msgId()).isEqualTo(out.get(0).envelope().msgId());

    List<Envelope> all = await(reads().range(channel, 1, 100));
    assertThat(all).extracting(Envelope::clientMsgId).containsExactly("early", "a", "b", "c");
    assertChain(all);
    // The dedup rows of the batch were written: a later retry of "b" is recognised.
    Sequencer.Outcome retry = await(process(sequencer(store(), 5), send(channel, device, "b")));
    assertThat(retry.duplicate()).isTrue();
    assertThat(retry.envelope().seq()).isEqualTo(3);
  }

  @Test
  @DisplayName("a batch crossing bucket boundaries is stored gapless in every bucket, one chained history")
  void batchAcrossBuckets() {
    UUID channel = UUID.randomUUID();
    UUID device = UUID.randomUUID();
    MessageStore store = store();
    Sequencer sequencer = sequencer(store, 6);
    for (int i = 1; i <= 8; i++) {
      await(process(sequencer, send(channel, device, "pre-" + i)));
    }
    List<SendRecord> batch = new java.util.ArrayList<>();
    for (int i = 1; i <= 15; i++) {
      batch.add(send(channel, device, "batch-" + i));
    }
    List<Sequencer.Outcome> out = await(process(sequencer, batch));
    assertThat(out).extracting(o -> o.envelope().seq()).containsExactlyElementsOf(
        java.util.stream.LongStream.rangeClosed(9, 23).boxed().toList());
    assertThat(out).noneMatch(Sequencer.Outcome::duplicate);

    List<Envelope> all = await(reads().range(channel, 1, 100));
    assertThat(all).extracting(Envelope::seq).containsExactlyElementsOf(
        java.util.stream.LongStream.rangeClosed(1, 23).boxed().toList());
    assertChain(all);
    // A fresh writer finds the same head (the hint points at 23).
    assertThat(await(process(sequencer(store(), 7), send(channel, device, "after"))).envelope().seq()).isEqualTo(24);
  }

  @Test
  @DisplayName("a zombie's conditional batch under taken seqs is refused whole; it re-reads and appends after")
  void zombieBatchIsRefused() {
    UUID channel = UUID.randomUUID();
    UUID device = UUID.randomUUID();
    MessageStore store = store();
    Sequencer zombie = zombieBehindOwner(channel, device, store, 8, 9, 3);
    // The zombie's batch would take 2..5 (the owner holds 2..4): none of it may be stored there.
    List<Sequencer.Outcome> out = await(process(zombie, List.of(send(channel, device, "z-1"),
        send(channel, device, "o-2"), send(channel, device, "z-2"), send(channel, device, "z-1"))));
    assertThat(out).extracting(o -> o.envelope().seq()).containsExactly(5L, 3L, 6L, 5L);
    assertThat(out).extracting(Sequencer.Outcome::duplicate).containsExactly(false, true, false, true);

    List<Envelope> all = await(reads().range(channel, 1, 100));
    assertThat(all).extracting(Envelope::clientMsgId).containsExactly("z-0", "o-1", "o-2", "o-3", "z-1", "z-2");
    assertChain(all);
  }

  @Test
  @DisplayName("when a batch's second bucket is refused, its first bucket stays stored and the rest is re-decided")
  void refusedSecondBucket() {
    UUID channel = UUID.randomUUID();
    UUID device = UUID.randomUUID();
    MessageStore store = store();
    Sequencer writer = sequencer(store, 10);
    Envelope eighth = null;
    for (int i = 1; i <= 8; i++) {
      eighth = await(process(writer, send(channel, device, "w-" + i))).envelope();
    }
    // Another writer holds seq 11 (in the next bucket) behind this writer's back.
    SendRecord other = send(channel, UUID.randomUUID(), "other-11");
    Envelope taken = new Envelope(channel, 11, 4242, ChainHash.genesis(), other.senderUser(), other.senderDevice(),
        other.clientMsgId(), other.kind(), other.payload(), System.currentTimeMillis());
    assertThat(await(store.insertIfAbsent(List.of(taken)))).isTrue();

    List<Sequencer.Outcome> out = await(process(writer, List.of(send(channel, device, "b-9"),
        send(channel, device, "b-10"), send(channel, device, "b-11"), send(channel, device, "b-12"))));
    assertThat(out).extracting(o -> o.envelope().seq()).containsExactly(9L, 10L, 12L, 13L);
    assertThat(out).noneMatch(Sequencer.Outcome::duplicate);
    List<Envelope> all = await(reads().range(channel, 1, 100));
    assertThat(all).extracting(Envelope::clientMsgId).containsSubsequence("w-8", "b-9", "b-10", "other-11", "b-11",
        "b-12");
    assertThat(all.get(10).msgId()).as("the other writer's row is untouched").isEqualTo(4242);
    assertThat(out.get(0).envelope().hash()).isNotEqualTo(eighth.hash());
  }

  private static void assertChain(List<Envelope> messages) {
    byte[] prev = ChainHash.genesis();
    for (Envelope e : messages) {
      byte[] expected = ChainHash.next(prev, e.seq(), e.msgId(), e.senderUser(), e.senderDevice(), e.kind(), e.payload());
      assertThat(Arrays.equals(expected, e.hash())).as("hash of seq " + e.seq()).isTrue();
      prev = e.hash();
    }
  }

  /** Sequences one send and waits for its dedup row and head hint too. */
  private static Future<Sequencer.Outcome> process(Sequencer sequencer, SendRecord send) {
    return process(sequencer, List.of(send)).map(all -> all.get(0));
  }

  /** {@link Sequencer#sequence}, completing once the dedup rows and head hint are written too. */
  private static Future<List<Sequencer.Outcome>> process(Sequencer sequencer, List<SendRecord> sends) {
    return sequencer.sequence(sends).compose(b -> Future.all(b.recorded(), b.hinted()).map(b.outcomes()));
  }
}
