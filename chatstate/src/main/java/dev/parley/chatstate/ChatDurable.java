package dev.parley.chatstate;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The durable copy of chat state in PostgreSQL (V7): what Redis is rebuilt from after it lost its data
 * (docs/reliability.md). Flags and settings are written through here before a change is acknowledged; cursors and
 * heads, which only ever grow, go through {@link ChatWriteBehind}. {@link #NONE} keeps nothing (unit tests and
 * benchmarks that measure Redis alone).
 */
public class ChatDurable {
  /** Keeps nothing and restores nothing. */
  public static final ChatDurable NONE = new ChatDurable(null, null);

  private static final String LOAD_STATES = "SELECT channel_id, user_id, read_seq, delivered_seq, marked_unread, muted "
      + "FROM chat_member_state WHERE channel_id = ANY($1::uuid[])";
  private static final String LOAD_HEADS = "SELECT channel_id, seq, ts, envelope FROM chat_heads "
      + "WHERE channel_id = ANY($1::uuid[])";

  /** What PostgreSQL holds of one channel: its head (null: none stored) and its members' states. */
  public record Stored(ChatStore.Head head, String envelope, Map<UUID, ChatStore.MemberState> states) {
  }

  private final Pool pg;
  private final ChatWriteBehind behind;

  ChatDurable(Pool pg, ChatWriteBehind behind) {
    this.pg = pg;
    this.behind = behind;
  }

  boolean enabled() {
    return pg != null;
  }

  void recordRead(UUID channelId, UUID user, long seq) {
    if (behind != null) {
      behind.cursor(channelId, user, seq, 0);
    }
  }

  void recordDelivered(UUID channelId, UUID user, long seq) {
    if (behind != null) {
      behind.cursor(channelId, user, 0, seq);
    }
  }

  void recordHead(UUID channelId, long seq, long ts, String envelope) {
    if (behind != null) {
      behind.head(channelId, seq, ts, envelope);
    }
  }

  /** Writes "marked unread" through. */
  Future<Void> setMarkedUnread(UUID channelId, UUID user, boolean on) {
    return flag("marked_unread", channelId, user, on);
  }

  /** Writes "muted" through. */
  Future<Void> setMuted(UUID channelId, UUID user, boolean on) {
    return flag("muted", channelId, user, on);
  }

  private Future<Void> flag(String column, UUID channelId, UUID user, boolean on) {
    if (pg == null) {
      return Future.succeededFuture();
    }
    // column is one of two constants above, never input.
    return pg.preparedQuery("INSERT INTO chat_member_state (channel_id, user_id, " + column + ") VALUES ($1, $2, $3) "
            + "ON CONFLICT (channel_id, user_id) DO UPDATE SET " + column + " = EXCLUDED." + column + ", updated_at = now()")
        .execute(Tuple.of(channelId, user, on)).mapEmpty();
  }

  /** Forgets a former member's state. */
  Future<Void> forget(UUID channelId, UUID user) {
    if (pg == null) {
      return Future.succeededFuture();
    }
    return pg.preparedQuery("DELETE FROM chat_member_state WHERE channel_id = $1 AND user_id = $2")
        .execute(Tuple.of(channelId, user)).mapEmpty();
  }

  /** Writes the read-receipts setting through. */
  Future<Void> setReadReceipts(UUID user, boolean on) {
    if (pg == null) {
      return Future.succeededFuture();
    }
    return pg.preparedQuery("INSERT INTO user_chat_settings (user_id, read_receipts) VALUES ($1, $2) "
        + "ON CONFLICT (user_id) DO UPDATE SET read_receipts = EXCLUDED.read_receipts").execute(Tuple.of(user, on))
        .mapEmpty();
  }

  /** Everyone who turned read receipts off. */
  Future<List<UUID>> receiptsOff() {
    if (pg == null) {
      return Future.succeededFuture(List.of());
    }
    return pg.query("SELECT user_id FROM user_chat_settings WHERE NOT read_receipts").execute().map(rows -> {
      List<UUID> out = new ArrayList<>();
      rows.forEach(r -> out.add(r.getUUID(0)));
      return out;
    });
  }

  /** The stored heads and member states of {@code channels} (two queries, whatever their number). */
  Future<Map<UUID, Stored>> load(Collection<UUID> channels) {
    if (pg == null || channels.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    Tuple ids = Tuple.tuple().addArrayOfUUID(channels.toArray(UUID[]::new));
    Future<Map<UUID, Stored>> heads = pg.preparedQuery(LOAD_HEADS).execute(ids).map(rows -> {
      Map<UUID, Stored> out = new HashMap<>();
      for (Row r : rows) {
        out.put(r.getUUID(0), new Stored(new ChatStore.Head(r.getLong(1), r.getLong(2), null), r.getString(3),
            new HashMap<>()));
      }
      return out;
    });
    return heads.compose(out -> pg.preparedQuery(LOAD_STATES).execute(ids).map(rows -> {
      for (Row r : rows) {
        Stored s = out.computeIfAbsent(r.getUUID(0), ch -> new Stored(null, null, new HashMap<>()));
        s.states().put(r.getUUID(1), new ChatStore.MemberState(r.getLong(2), r.getLong(3), r.getBoolean(4),
            r.getBoolean(5)));
      }
      return out;
    }));
  }

  /** Writes everything buffered behind now (tests, orderly shutdown). */
  public Future<Void> flush() {
    return behind == null ? Future.succeededFuture() : behind.flush();
  }
}
