package dev.parley.message.mls;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The active devices of a channel's current members with their registered MLS signature keys, read fresh (not
 * cached) for every batch that carries a commit: a commit's membership check must see the membership of now.
 */
public final class MemberKeys {

  private final Pool pg;

  public MemberKeys(Pool pg) {
    this.pg = pg;
  }

  /** Device → registered signature key; a device without a registered key maps to null. */
  public Future<Map<UUID, byte[]>> of(UUID channel) {
    return pg.preparedQuery("SELECT d.id, k.signature_key FROM channel_members m JOIN devices d "
            + "ON d.user_id = m.user_id AND d.revoked_at IS NULL LEFT JOIN device_keys k ON k.device_id = d.id "
            + "WHERE m.channel_id = $1")
        .execute(Tuple.of(channel)).map(rows -> {
          Map<UUID, byte[]> keys = new HashMap<>();
          for (Row row : rows) {
            Buffer key = row.getBuffer(1);
            keys.put(row.getUUID(0), key == null ? null : key.getBytes());
          }
          return keys;
        });
  }
}
