package dev.parley.message;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.parley.protocol.ChainHash;
import dev.parley.protocol.Envelope;
import dev.parley.stores.messages.MessageTable;
import io.vertx.cassandra.CassandraClient;
import io.vertx.core.Future;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Cassandra access for the message log: {@code messages} (partitioned by channel and bucket, clustered by seq),
 * {@code channel_heads} (a hint of each channel's last seq and hash) and {@code message_dedup}.
 *
 * <p>The message row, inserted with {@code IF NOT EXISTS}, is the commit point: nothing can ever be stored under a
 * seq that is taken, whoever tries (a zombie writer included). The dedup rows, then the head hint, are written
 * after it and repaired by {@link #loadHead} from the message rows past the hint, so a crash between the writes
 * loses nothing.
 */
public final class MessageStore implements SequencerStore {
  private static final String COLUMNS = MessageTable.COLUMNS;

  /**
   * A channel's position: the last stored seq and its hash (seq 0 and the genesis hash for an empty channel), and
   * the MLS epoch after it (the number of commits stored up to it).
   */
  public record Head(long lastSeq, byte[] lastHash, long epoch) {
    public Head(long lastSeq, byte[] lastHash) {
      this(lastSeq, lastHash, 0);
    }
  }

  /** The kind of a stored MLS commit: each one moves the channel's epoch on by one. */
  public static final String COMMIT = "commit";

  private final CassandraClient cassandra;
  private final MessageTable table;
  private PreparedStatement insert;
  private PreparedStatement selectRange;
  private PreparedStatement selectOne;
  private PreparedStatement selectHead;
  private PreparedStatement updateHead;
  private PreparedStatement selectDedup;
  private PreparedStatement insertDedup;
  private final int dedupTtlSeconds;

  /**
   * {@code dedupTtlSeconds}: how long a dedup row lives (message.dedupTtlSeconds): a per-write TTL, so a changed
   * setting applies to new rows and the table needs no migration. It must exceed every client's resend window.
   */
  public MessageStore(CassandraClient cassandra, String keyspace, int bucketSize, int dedupTtlSeconds) {
    this.cassandra = cassandra;
    this.table = new MessageTable(keyspace, bucketSize);
    this.dedupTtlSeconds = dedupTtlSeconds;
  }

  /**
   * Prepares every statement, one after another: concurrent first calls on a fresh vertx Cassandra client race to
   * open the session (IllegalStateException in SessionHolder). The deployment fails if Cassandra or the schema is
   * missing.
   */
  public Future<Void> prepare() {
    String ks = table.keyspace();
    return MessageTable.prepareFirst(cassandra, "INSERT INTO " + ks + ".messages (" + COLUMNS + ") VALUES (?, ?, ?, ?, "
            + "?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS").map(p -> insert = p)
        .compose(v -> cassandra.prepare(table.selectRangeCql())).map(p -> selectRange = p)
        .compose(v -> cassandra.prepare("SELECT " + COLUMNS + " FROM " + ks + ".messages WHERE channel_id = ? "
            + "AND bucket = ? AND seq = ?")).map(p -> selectOne = p)
        .compose(v -> cassandra.prepare("SELECT last_seq, last_hash, epoch FROM " + ks
            + ".channel_heads WHERE channel_id = ?"))
        .map(p -> selectHead = p)
        // The write timestamp is the seq, so a late write of an older head can never overwrite a newer one.
        .compose(v -> cassandra.prepare("UPDATE " + ks + ".channel_heads USING TIMESTAMP ? SET last_seq = ?, "
            + "last_hash = ?, epoch = ? WHERE channel_id = ?")).map(p -> updateHead = p)
        .compose(v -> cassandra.prepare("SELECT seq FROM " + ks + ".message_dedup WHERE channel_id = ? "
            + "AND sender_device = ? AND client_msg_id = ?")).map(p -> selectDedup = p)
        .compose(v -> cassandra.prepare("INSERT INTO " + ks + ".message_dedup (channel_id, sender_device, "
            + "client_msg_id, seq) VALUES (?, ?, ?, ?) USING TTL ?")).map(p -> insertDedup = p)
        .mapEmpty();
  }

  @Override
  public int bucketOf(long seq) {
    return table.bucketOf(seq);
  }

  /**
   * Inserts consecutive messages of one {@code (channel, bucket)} partition in one conditional batch: all of them, or
   * none if any of their seqs is taken ({@code false}: another writer holds one of them). One Paxos round for the
   * lot — Cassandra only accepts conditional batches whose statements hit a single partition, so callers split at
   * bucket boundaries.
   */
  @Override
  public Future<Boolean> insertIfAbsent(List<Envelope> samePartition) {
    if (samePartition.isEmpty()) {
      return Future.succeededFuture(true);
    }
    int bucket = bucketOf(samePartition.get(0).seq());
    UUID channel = samePartition.get(0).channelId();
    for (Envelope e : samePartition) {
      if (bucketOf(e.seq()) != bucket || !e.channelId().equals(channel)) {
        throw new IllegalArgumentException("a conditional batch must stay in one (channel, bucket) partition");
      }
    }
    if (samePartition.size() == 1) {
      return cassandra.execute(bindInsert(samePartition.get(0))).map(rs -> rs.wasApplied());
    }
    List<BoundStatement> inserts = new ArrayList<>(samePartition.size());
    samePartition.forEach(e -> inserts.add(bindInsert(e)));
    return cassandra.execute(BatchStatement.newInstance(DefaultBatchType.LOGGED).addAll(inserts))
        .map(rs -> rs.wasApplied());
  }

  private BoundStatement bindInsert(Envelope e) {
    return insert.bind(e.channelId(), bucketOf(e.seq()), e.seq(), e.msgId(), e.senderUser(), e.senderDevice(),
        e.clientMsgId(), e.kind(), ByteBuffer.wrap(e.payload()), ByteBuffer.wrap(e.hash()),
        Instant.ofEpochMilli(e.ts()));
  }

  /**
   * Writes the dedup rows (in parallel: each is its own partition), then advances the head hint once, to the last
   * message, for messages of one channel that are stored, in seq order. The hint moves only after every dedup row
   * is written: if one fails, the hint stays behind the message and the next {@link #loadHead} repairs the row.
   */
  public Future<Void> recordStored(List<Envelope> stored, long epochAfter) {
    return writeDedup(stored).compose(v -> stored.isEmpty() ? Future.succeededFuture()
        : advanceHead(stored.get(stored.size() - 1), epochAfter));
  }

  /** Writes the dedup rows of stored messages of one channel (in parallel: each is its own partition). */
  @Override
  public Future<Void> writeDedup(List<Envelope> stored) {
    List<Future<?>> writes = new ArrayList<>(stored.size());
    for (Envelope e : stored) {
      writes.add(cassandra.execute(insertDedup.bind(e.channelId(), e.senderDevice(), e.clientMsgId(), e.seq(),
          dedupTtlSeconds)));
    }
    return Future.all(writes).mapEmpty();
  }

  /**
   * Moves the head hint to {@code last} and the epoch after it (never backwards: the write timestamp is the seq).
   * Call it only once the dedup rows up to {@code last} are written: a reload rolls forward from the hint and
   * repairs only rows past it.
   */
  @Override
  public Future<Void> advanceHead(Envelope last, long epochAfter) {
    return cassandra.execute(updateHead.bind(last.seq(), last.seq(), ByteBuffer.wrap(last.hash()), epochAfter,
        last.channelId())).mapEmpty();
  }

  /** The seq a (device, clientMsgId) was stored under, or null. */
  @Override
  public Future<Long> findDuplicate(UUID channelId, UUID device, String clientMsgId) {
    return cassandra.execute(selectDedup.bind(channelId, device, clientMsgId))
        .map(rs -> {
          Row row = rs.one();
          return row == null ? null : row.getLong(0);
        });
  }

  @Override
  public Future<Envelope> read(UUID channelId, long seq) {
    return cassandra.execute(selectOne.bind(channelId, bucketOf(seq), seq)).map(rs -> {
      Row row = rs.one();
      return row == null ? null : MessageTable.envelope(row);
    });
  }

  /**
   * The channel's true head: the hint from {@code channel_heads}, rolled forward over any message rows past it
   * (whose dedup rows are re-written, as their writer may have died before writing them).
   */
  @Override
  public Future<Head> loadHead(UUID channelId) {
    return cassandra.execute(selectHead.bind(channelId)).compose(rs -> {
      Row row = rs.one();
      Head hint = row == null || row.isNull(0) ? new Head(0, ChainHash.genesis())
          : new Head(row.getLong(0), MessageTable.bytes(row.getByteBuffer(1)), row.isNull(2) ? 0 : row.getLong(2));
      return rollForward(channelId, hint);
    });
  }

  private Future<Head> rollForward(UUID channelId, Head from) {
    long start = from.lastSeq() + 1;
    long bucketEnd = table.lastSeqOf(bucketOf(start));
    return cassandra.executeWithFullFetch(selectRange.bind(channelId, bucketOf(start), start, bucketEnd))
        .compose(rows -> {
          if (rows.isEmpty()) {
            return Future.succeededFuture(from);
          }
          List<Envelope> found = rows.stream().map(MessageTable::envelope).toList();
          Envelope last = found.get(found.size() - 1);
          long epoch = from.epoch() + found.stream().filter(e -> COMMIT.equals(e.kind())).count();
          Head next = new Head(last.seq(), last.hash(), epoch);
          return recordStored(found, epoch).compose(v -> last.seq() == bucketEnd
              ? rollForward(channelId, next) : Future.succeededFuture(next));
        });
  }
}
