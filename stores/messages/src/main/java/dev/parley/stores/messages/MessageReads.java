package dev.parley.stores.messages;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.parley.protocol.Envelope;
import io.vertx.cassandra.CassandraClient;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Read queries over a channel's stored messages: a seq range across buckets and the head hint. Reads only — the
 * message role owns every write (and the commit point); this is what another role needs to serve history.
 */
public final class MessageReads {
  private final CassandraClient cassandra;
  private final MessageTable table;
  private PreparedStatement selectRange;
  private PreparedStatement selectHead;

  public MessageReads(CassandraClient cassandra, MessageTable table) {
    this.cassandra = cassandra;
    this.table = table;
  }

  /** Prepares the statements, one after another; fails if Cassandra or the schema is missing. */
  public Future<MessageReads> prepare() {
    return MessageTable.prepareFirst(cassandra, table.selectRangeCql()).map(p -> selectRange = p)
        .compose(v -> cassandra.prepare(table.selectHeadCql())).map(p -> selectHead = p)
        .map(this);
  }

  /** Messages with {@code fromSeq <= seq <= toSeq}, in seq order (one query per bucket touched, in parallel). */
  public Future<List<Envelope>> range(UUID channelId, long fromSeq, long toSeq) {
    if (toSeq < fromSeq) {
      return Future.succeededFuture(List.of());
    }
    List<Future<List<Row>>> parts = new ArrayList<>();
    for (int b = table.bucketOf(fromSeq); b <= table.bucketOf(toSeq); b++) {
      parts.add(cassandra.executeWithFullFetch(selectRange.bind(channelId, b, fromSeq, toSeq)));
    }
    return Future.all(parts).map(all -> {
      List<Envelope> out = new ArrayList<>();
      parts.forEach(p -> p.result().forEach(r -> out.add(MessageTable.envelope(r))));
      return out;
    });
  }

  /**
   * The channel's head hint alone (for "latest page" reads): 0 for an empty channel. It may trail the true head by
   * writes in flight, never lead it (the writer moves it only after the message rows exist).
   */
  public Future<Long> lastSeqHint(UUID channelId) {
    return cassandra.execute(selectHead.bind(channelId)).map(rs -> {
      Row row = rs.one();
      return row == null || row.isNull(0) ? 0L : row.getLong(0);
    });
  }
}
