package dev.parley.chatstate;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cursor and head advances on their way to PostgreSQL: coalesced per (channel, user) and per channel (only the
 * largest value matters, both only ever grow) and written every {@link #INTERVAL_MS} ms with one statement each,
 * whatever their number. Because the values are monotone, the writes of several nodes commute ({@code GREATEST}),
 * so there is no ordering to keep. A failed write is merged back and retried at the next tick.
 *
 * <p>The bound (docs/reliability.md): a node that dies loses at most the last {@value #INTERVAL_MS} ms of advances
 * from PostgreSQL; Redis still holds them, so users lose them only if Redis also loses its data in that window.
 */
final class ChatWriteBehind {
  static final long INTERVAL_MS = 200;
  private static final Logger LOG = LoggerFactory.getLogger(ChatWriteBehind.class);
  private static final String CURSORS = "INSERT INTO chat_member_state AS s (channel_id, user_id, read_seq, delivered_seq) "
      + "SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::bigint[]) "
      + "ON CONFLICT (channel_id, user_id) DO UPDATE SET read_seq = GREATEST(s.read_seq, EXCLUDED.read_seq), "
      + "delivered_seq = GREATEST(s.delivered_seq, EXCLUDED.delivered_seq), updated_at = now()";
  private static final String HEADS = "INSERT INTO chat_heads AS h (channel_id, seq, ts, envelope) "
      + "SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::bigint[], $4::text[]) "
      + "ON CONFLICT (channel_id) DO UPDATE SET seq = EXCLUDED.seq, ts = EXCLUDED.ts, envelope = EXCLUDED.envelope "
      + "WHERE h.seq < EXCLUDED.seq";

  private record Member(UUID channelId, UUID user) {
  }

  private record HeadRow(long seq, long ts, String envelope) {
  }

  private final Pool pg;
  private final Map<Member, long[]> cursors = new ConcurrentHashMap<>();
  private final Map<UUID, HeadRow> heads = new ConcurrentHashMap<>();
  private Future<Void> inFlight = Future.succeededFuture();

  ChatWriteBehind(Pool pg) {
    this.pg = pg;
  }

  /** Starts the periodic flush on the calling context (a verticle's timers end with it). */
  ChatWriteBehind start(Vertx vertx) {
    vertx.setPeriodic(INTERVAL_MS, id -> flush());
    return this;
  }

  void cursor(UUID channelId, UUID user, long read, long delivered) {
    cursors.merge(new Member(channelId, user), new long[] {read, delivered},
        (a, b) -> new long[] {Math.max(a[0], b[0]), Math.max(a[1], b[1])});
  }

  void head(UUID channelId, long seq, long ts, String envelope) {
    heads.merge(channelId, new HeadRow(seq, ts, envelope), (a, b) -> a.seq() >= b.seq() ? a : b);
  }

  /** Writes what is buffered (after any flush still running, so two never race on the same rows). */
  synchronized Future<Void> flush() {
    inFlight = inFlight.transform(ignored -> writeCursors()).transform(ignored -> writeHeads());
    return inFlight;
  }

  private Future<Void> writeCursors() {
    // Sorted, so two nodes lock overlapping rows in one order (no deadlock between their upserts).
    List<Member> keys = new ArrayList<>(cursors.keySet());
    if (keys.isEmpty()) {
      return Future.succeededFuture();
    }
    keys.sort(Comparator.comparing(Member::channelId).thenComparing(Member::user));
    UUID[] ch = new UUID[keys.size()];
    UUID[] users = new UUID[keys.size()];
    Long[] read = new Long[keys.size()];
    Long[] delivered = new Long[keys.size()];
    for (int i = 0; i < keys.size(); i++) {
      long[] v = cursors.remove(keys.get(i));
      ch[i] = keys.get(i).channelId();
      users[i] = keys.get(i).user();
      read[i] = v == null ? 0 : v[0];
      delivered[i] = v == null ? 0 : v[1];
    }
    return pg.preparedQuery(CURSORS).execute(Tuple.tuple().addArrayOfUUID(ch).addArrayOfUUID(users)
            .addArrayOfLong(read).addArrayOfLong(delivered)).<Void>mapEmpty()
        .onFailure(err -> {
          LOG.warn("writing {} chat cursors to PostgreSQL failed, retrying at the next tick: {}", keys.size(), err.toString());
          for (int i = 0; i < keys.size(); i++) {
            cursor(ch[i], users[i], read[i], delivered[i]);
          }
        });
  }

  private Future<Void> writeHeads() {
    List<UUID> keys = new ArrayList<>(heads.keySet());
    if (keys.isEmpty()) {
      return Future.succeededFuture();
    }
    keys.sort(Comparator.naturalOrder());
    List<UUID> ch = new ArrayList<>();
    List<HeadRow> rows = new ArrayList<>();
    for (UUID k : keys) {
      HeadRow r = heads.remove(k);
      if (r != null) {
        ch.add(k);
        rows.add(r);
      }
    }
    return pg.preparedQuery(HEADS).execute(Tuple.tuple().addArrayOfUUID(ch.toArray(UUID[]::new))
            .addArrayOfLong(rows.stream().map(HeadRow::seq).toArray(Long[]::new))
            .addArrayOfLong(rows.stream().map(HeadRow::ts).toArray(Long[]::new))
            .addArrayOfString(rows.stream().map(HeadRow::envelope).toArray(String[]::new))).<Void>mapEmpty()
        .onFailure(err -> {
          LOG.warn("writing {} chat heads to PostgreSQL failed, retrying at the next tick: {}", ch.size(), err.toString());
          for (int i = 0; i < ch.size(); i++) {
            head(ch.get(i), rows.get(i).seq(), rows.get(i).ts(), rows.get(i).envelope());
          }
        });
  }
}
