package dev.parley.message;

import dev.parley.protocol.ChainHash;
import dev.parley.protocol.Envelope;
import dev.parley.protocol.SendRecord;
import dev.parley.shared.ids.MsgIdGenerator;
import io.vertx.core.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The sequencer's decisions against an in-memory store: seqs, chaining, dedup, conflicts and fencing. */
class SequencerTest {
  static final UUID CHANNEL = new UUID(0, 1);
  static final UUID USER = new UUID(0, 2);
  static final UUID DEVICE = new UUID(0, 3);
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);

  final MemoryStore store = new MemoryStore(4);

  @Test
  @DisplayName("new sends get consecutive seqs from 1, chained hashes, dedup rows and the head hint at the last")
  void consecutiveSeqs() {
    List<Sequencer.Outcome> out = process(sequencer(), List.of(send("a"), send("b"), send("c"), send("d"), send("e")));

    assertThat(out).extracting(o -> o.envelope().seq()).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(out).noneMatch(Sequencer.Outcome::duplicate);
    assertChain(store.all());
    assertThat(store.dedup).hasSize(5);
    assertThat(store.hint.lastSeq()).isEqualTo(5);
    // Two buckets of 4: two conditional batches, one per partition.
    assertThat(store.inserts).isEqualTo(2);
  }

  @Test
  @DisplayName("a retried send is answered with the stored message and nothing new is written")
  void retryIsDuplicate() {
    Sequencer sequencer = sequencer();
    Envelope first = process(sequencer, List.of(send("a"))).get(0).envelope();
    int inserts = store.inserts;

    Sequencer.Outcome retry = process(sequencer, List.of(send("a"))).get(0);

    assertThat(retry.duplicate()).isTrue();
    assertThat(retry.envelope()).isSameAs(store.messages.get(1L));
    assertThat(retry.envelope().msgId()).isEqualTo(first.msgId());
    assertThat(store.inserts).isEqualTo(inserts);
  }

  @Test
  @DisplayName("a send repeated inside one poll is stored once; the later copy is its duplicate")
  void repeatInsideBatch() {
    List<Sequencer.Outcome> out = process(sequencer(), List.of(send("a"), send("b"), send("a")));

    assertThat(out).extracting(o -> o.envelope().seq()).containsExactly(1L, 2L, 1L);
    assertThat(out).extracting(Sequencer.Outcome::duplicate).containsExactly(false, false, true);
    assertThat(store.messages).hasSize(2);
  }

  @Test
  @DisplayName("a zombie whose cached head is stale is refused, reloads the head and stores after the owner")
  void zombieIsFenced() {
    Sequencer zombie = sequencer();
    Sequencer owner = sequencer();
    process(zombie, List.of(send("z-1")));
    process(owner, List.of(send("o-2"), send("o-3")));

    Sequencer.Outcome late = process(zombie, List.of(send("z-2"))).get(0);

    assertThat(late.duplicate()).isFalse();
    assertThat(late.envelope().seq()).isEqualTo(4);
    assertThat(store.refused).isEqualTo(1);
    assertChain(store.all());
  }

  @Test
  @DisplayName("a zombie replaying a send the owner already stored recognises it after the reload")
  void zombieReplayIsDuplicate() {
    Sequencer zombie = sequencer();
    Sequencer owner = sequencer();
    process(zombie, List.of(send("z-1")));
    process(owner, List.of(send("o-2")));

    Sequencer.Outcome replay = process(zombie, List.of(send("o-2"))).get(0);

    assertThat(replay.duplicate()).isTrue();
    assertThat(replay.envelope().seq()).isEqualTo(2);
    assertThat(store.messages).hasSize(2);
  }

  @Test
  @DisplayName("three refusals in a row fail the batch: another writer is clearly active")
  void givesUpAfterThreeConflicts() {
    store.alwaysStaleHead = true;
    process(sequencer(), List.of(send("a")));
    store.refused = 0;

    Future<Sequencer.Batch> batch = sequencer().sequence(List.of(send("b")));

    assertThat(batch.failed()).isTrue();
    assertThat(batch.cause()).hasMessageContaining("3 seq conflicts");
    assertThat(store.refused).isEqualTo(3);
  }

  private Sequencer sequencer() {
    return new Sequencer(store, new MsgIdGenerator(1, CLOCK), CLOCK);
  }

  private static List<Sequencer.Outcome> process(Sequencer sequencer, List<SendRecord> sends) {
    Future<List<Sequencer.Outcome>> done = sequencer.sequence(sends)
        .compose(b -> Future.all(b.recorded(), b.hinted()).map(b.outcomes()));
    assertThat(done.succeeded()).as("sequenced: %s", done.cause()).isTrue();
    return done.result();
  }

  private static SendRecord send(String clientMsgId) {
    return new SendRecord(CHANNEL, USER, DEVICE, clientMsgId, "application", clientMsgId.getBytes(), "g1", 0);
  }

  private static void assertChain(List<Envelope> all) {
    byte[] previous = ChainHash.genesis();
    long seq = 0;
    for (Envelope e : all) {
      assertThat(e.seq()).isEqualTo(++seq);
      assertThat(e.hash()).isEqualTo(ChainHash.next(previous, e.seq(), e.msgId(), e.senderUser(), e.senderDevice(),
          e.kind(), e.payload()));
      previous = e.hash();
    }
  }

  /** One channel's rows in memory, with the conditional insert's all-or-nothing semantics. */
  static final class MemoryStore implements SequencerStore {
    final int bucketSize;
    final TreeMap<Long, Envelope> messages = new TreeMap<>();
    final Map<String, Long> dedup = new HashMap<>();
    MessageStore.Head hint = new MessageStore.Head(0, ChainHash.genesis());
    boolean alwaysStaleHead;
    int inserts;
    int refused;

    MemoryStore(int bucketSize) {
      this.bucketSize = bucketSize;
    }

    List<Envelope> all() {
      return new ArrayList<>(messages.values());
    }

    @Override
    public int bucketOf(long seq) {
      return (int) ((seq - 1) / bucketSize);
    }

    @Override
    public Future<Boolean> insertIfAbsent(List<Envelope> samePartition) {
      inserts++;
      if (samePartition.stream().anyMatch(e -> messages.containsKey(e.seq()))) {
        refused++;
        return Future.succeededFuture(false);
      }
      samePartition.forEach(e -> messages.put(e.seq(), e));
      return Future.succeededFuture(true);
    }

    @Override
    public Future<Void> writeDedup(List<Envelope> stored) {
      stored.forEach(e -> dedup.put(e.senderDevice() + "/" + e.clientMsgId(), e.seq()));
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> advanceHead(Envelope last, long epochAfter) {
      if (last.seq() > hint.lastSeq()) {
        hint = new MessageStore.Head(last.seq(), last.hash(), epochAfter);
      }
      return Future.succeededFuture();
    }

    @Override
    public Future<Long> findDuplicate(UUID channelId, UUID device, String clientMsgId) {
      return Future.succeededFuture(dedup.get(device + "/" + clientMsgId));
    }

    @Override
    public Future<Envelope> read(UUID channelId, long seq) {
      return Future.succeededFuture(messages.get(seq));
    }

    @Override
    public Future<MessageStore.Head> loadHead(UUID channelId) {
      if (alwaysStaleHead) {
        return Future.succeededFuture(new MessageStore.Head(0, ChainHash.genesis()));
      }
      // Roll forward past the hint, re-writing dedup rows, as MessageStore does.
      List<Envelope> past = new ArrayList<>(messages.tailMap(hint.lastSeq(), false).values());
      writeDedup(past);
      if (!past.isEmpty()) {
        long commits = past.stream().filter(e -> MessageStore.COMMIT.equals(e.kind())).count();
        advanceHead(past.get(past.size() - 1), hint.epoch() + commits);
      }
      return Future.succeededFuture(hint);
    }
  }
}
