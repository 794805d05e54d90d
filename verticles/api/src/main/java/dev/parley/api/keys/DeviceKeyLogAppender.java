package dev.parley.api.keys;

import dev.parley.mls.DeviceKeyLog;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.UUID;

/**
 * Appends to a user's hash-chained device-key log inside the caller's transaction. The user's row is locked before
 * the last entry is read, so two devices registering at once get seq n and n+1 on one chain instead of two entries
 * claiming the same place.
 */
public final class DeviceKeyLogAppender {

  private DeviceKeyLogAppender() {
  }

  static Future<Void> added(SqlConnection conn, UUID userId, UUID deviceId, byte[] key, OffsetDateTime at) {
    return append(conn, userId, deviceId, DeviceKeyLog.Action.ADDED, key, at);
  }

  /**
   * Called when a device is removed: records the removal of its key (if it had one) and drops the KeyPackages it
   * published, so nobody adds a removed device to a group.
   */
  public static Future<Void> removed(SqlConnection conn, UUID userId, UUID deviceId, OffsetDateTime at) {
    return conn.preparedQuery("DELETE FROM key_packages WHERE device_id = $1").execute(Tuple.of(deviceId))
        .compose(v -> conn.preparedQuery("SELECT signature_key FROM device_keys WHERE device_id = $1")
            .execute(Tuple.of(deviceId)))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture() : append(conn, userId, deviceId,
            DeviceKeyLog.Action.REMOVED, rows.iterator().next().getBuffer("signature_key").getBytes(), at));
  }

  /** The log of {@code userId} from {@code afterSeq} on, oldest first. */
  static Future<JsonObject> read(SqlClient pg, UUID userId, long afterSeq) {
    return pg.preparedQuery("SELECT seq, device_id, action, signature_key, hash, at FROM device_key_log "
            + "WHERE user_id = $1 AND seq > $2 ORDER BY seq").execute(Tuple.of(userId, afterSeq))
        .map(rows -> {
          JsonArray entries = new JsonArray();
          for (Row row : rows) {
            entries.add(new JsonObject().put("seq", row.getLong("seq"))
                .put("deviceId", row.getUUID("device_id").toString()).put("action", row.getString("action"))
                .put("signatureKey", KeyDirectoryService.base64(row.getBuffer("signature_key").getBytes()))
                .put("hash", KeyDirectoryService.base64(row.getBuffer("hash").getBytes()))
                .put("at", row.getOffsetDateTime("at").toInstant().toString()));
          }
          return new JsonObject().put("entries", entries);
        });
  }

  private static Future<Void> append(SqlConnection conn, UUID userId, UUID deviceId, DeviceKeyLog.Action action,
                                     byte[] key, OffsetDateTime at) {
    // FOR NO KEY UPDATE, not FOR UPDATE: the caller's earlier inserts referencing users already hold KEY SHARE on
    // this row, and two appenders upgrading KEY SHARE to FOR UPDATE deadlock (seen in KeyDirectoryIT);
    // NO KEY UPDATE still excludes the other appenders, which is all the chain needs.
    return conn.preparedQuery("SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE").execute(Tuple.of(userId))
        .compose(locked -> conn.preparedQuery("SELECT seq, hash FROM device_key_log WHERE user_id = $1 "
            + "ORDER BY seq DESC LIMIT 1").execute(Tuple.of(userId)))
        .compose(last -> {
          long seq = last.size() == 0 ? 1 : last.iterator().next().getLong("seq") + 1;
          byte[] previous = last.size() == 0 ? DeviceKeyLog.GENESIS : last.iterator().next().getBuffer("hash").getBytes();
          byte[] hash = DeviceKeyLog.hash(previous, seq, deviceId, action, key);
          return conn.preparedQuery("INSERT INTO device_key_log (user_id, seq, device_id, action, signature_key, "
                  + "hash, at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
              .execute(Tuple.from(new Object[] {userId, seq, deviceId, action.name().toLowerCase(Locale.ROOT),
                  Buffer.buffer(key), Buffer.buffer(hash), at}));
        })
        .mapEmpty();
  }
}
