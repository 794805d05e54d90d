package dev.parley.stores.messages;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.parley.protocol.Envelope;
import io.vertx.cassandra.CassandraClient;
import io.vertx.core.Future;

import java.nio.ByteBuffer;

/**
 * The layout of Cassandra's {@code messages} table, shared by its one writer (the message role) and its readers
 * (the api role's history): partitions of {@code bucketSize} consecutive seqs per channel
 * ({@code bucket = (seq - 1) / bucketSize}, config {@code cassandra.messageBucketSize}), the column list, and how a
 * row becomes an {@link Envelope}. Writer and readers must agree on the bucket size, which is why it is a property of
 * the data ({@code cassandra.*}) and not of either role.
 */
public final class MessageTable {
  public static final String COLUMNS = "channel_id, bucket, seq, msg_id, sender_user, sender_device, client_msg_id, "
      + "kind, payload, hash, created_at";
  private static final int CONNECT_ATTEMPTS = 5;

  private final String keyspace;
  private final int bucketSize;

  public MessageTable(String keyspace, int bucketSize) {
    if (bucketSize < 1) {
      throw new IllegalArgumentException("bucketSize must be positive");
    }
    this.keyspace = keyspace;
    this.bucketSize = bucketSize;
  }

  public String keyspace() {
    return keyspace;
  }

  public int bucketSize() {
    return bucketSize;
  }

  /** The partition of {@code seq} (seqs start at 1). */
  public int bucketOf(long seq) {
    return (int) ((seq - 1) / bucketSize);
  }

  /** The last seq a bucket can hold. */
  public long lastSeqOf(int bucket) {
    return (long) (bucket + 1) * bucketSize;
  }

  /** CQL of a seq range within one partition: binds channel, bucket, first seq, last seq. */
  public String selectRangeCql() {
    return "SELECT " + COLUMNS + " FROM " + keyspace + ".messages WHERE channel_id = ? AND bucket = ? "
        + "AND seq >= ? AND seq <= ?";
  }

  /** CQL of a channel's head hint: binds channel. */
  public String selectHeadCql() {
    return "SELECT last_seq, last_hash FROM " + keyspace + ".channel_heads WHERE channel_id = ?";
  }

  /**
   * Prepares the first statement of a fresh client, which opens its session. Another first user of the same client
   * (the readiness probe polling /ready) can race it; the loser fails with IllegalStateException (vertx
   * SessionHolder.connected) while the winner's session stays usable, so the loser simply tries again.
   */
  public static Future<PreparedStatement> prepareFirst(CassandraClient cassandra, String cql) {
    return prepareFirst(cassandra, cql, CONNECT_ATTEMPTS);
  }

  private static Future<PreparedStatement> prepareFirst(CassandraClient cassandra, String cql, int attempts) {
    return cassandra.prepare(cql).recover(err -> err instanceof IllegalStateException && attempts > 1
        ? prepareFirst(cassandra, cql, attempts - 1) : Future.failedFuture(err));
  }

  /** A {@code messages} row (selected with {@link #COLUMNS}) as the envelope clients see. */
  public static Envelope envelope(Row r) {
    return new Envelope(r.getUuid("channel_id"), r.getLong("seq"), r.getLong("msg_id"), bytes(r.getByteBuffer("hash")),
        r.getUuid("sender_user"), r.getUuid("sender_device"), r.getString("client_msg_id"), r.getString("kind"),
        bytes(r.getByteBuffer("payload")), r.getInstant("created_at").toEpochMilli());
  }

  public static byte[] bytes(ByteBuffer buffer) {
    if (buffer == null) {
      return new byte[0];
    }
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }
}
