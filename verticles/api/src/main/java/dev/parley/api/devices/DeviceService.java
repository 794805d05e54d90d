package dev.parley.api.devices;

import dev.parley.shared.Refusal;
import dev.parley.api.tokens.TokenService;
import dev.parley.shared.ErrorCode;
import dev.parley.shared.auth.RevokedDevices;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * A user's devices. Every query is scoped by the caller's user id, so another user's device id behaves exactly like
 * one that does not exist (404), never revealing that it does.
 */
public final class DeviceService {
  private static final String COLUMNS = "id, name, created_at, last_seen_at";

  private final Pool pg;
  private final RevokedDevices revokedDevices;
  private final Clock clock;

  public DeviceService(Pool pg, RevokedDevices revokedDevices, Clock clock) {
    this.pg = pg;
    this.revokedDevices = revokedDevices;
    this.clock = clock;
  }

  /** The active devices of {@code userId}, oldest first; {@code current} marks the calling device. */
  public Future<JsonObject> list(UUID userId, UUID currentDevice) {
    return pg.preparedQuery("SELECT " + COLUMNS + " FROM devices WHERE user_id = $1 AND revoked_at IS NULL "
            + "ORDER BY created_at, id").execute(Tuple.of(userId))
        .map(rows -> {
          JsonArray devices = new JsonArray();
          rows.forEach(row -> devices.add(json(row, currentDevice)));
          return new JsonObject().put("devices", devices);
        });
  }

  public Future<JsonObject> rename(UUID userId, UUID currentDevice, UUID deviceId, String name) {
    return pg.preparedQuery("UPDATE devices SET name = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL "
            + "RETURNING " + COLUMNS).execute(Tuple.of(deviceId, userId, name))
        .map(rows -> {
          if (rows.size() == 0) {
            throw notFound(deviceId);
          }
          return json(rows.iterator().next(), currentDevice);
        });
  }

  /**
   * Removes a device: marks it revoked, ends its refresh tokens and registers it in {@link RevokedDevices} (every
   * api node then refuses its access tokens, every gateway drops its socket). The Redis step runs inside the
   * transaction, before the commit: if it fails, nothing is committed and a retry of the DELETE does it all again,
   * instead of leaving a device that is removed in PostgreSQL but whose access tokens still work.
   */
  public Future<Void> remove(UUID userId, UUID deviceId) {
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    return pg.withTransaction(conn -> conn.preparedQuery("UPDATE devices SET revoked_at = $3 WHERE id = $1 "
                + "AND user_id = $2 AND revoked_at IS NULL").execute(Tuple.of(deviceId, userId, now))
            .compose(rows -> rows.rowCount() == 0 ? Future.failedFuture(notFound(deviceId))
                : TokenService.revokeAllOfDevice(conn, deviceId, now))
            .compose(v -> dev.parley.api.keys.DeviceKeyLogAppender.removed(conn, userId, deviceId, now))
            .compose(v -> revokedDevices.revoke(userId, deviceId)));
  }

  private static JsonObject json(Row row, UUID currentDevice) {
    OffsetDateTime lastSeen = row.getOffsetDateTime("last_seen_at");
    return new JsonObject().put("deviceId", row.getUUID("id").toString()).put("name", row.getString("name"))
        .put("createdAt", row.getOffsetDateTime("created_at").toInstant().toString())
        .put("lastSeenAt", lastSeen == null ? null : lastSeen.toInstant().toString())
        .put("current", row.getUUID("id").equals(currentDevice));
  }

  private static Refusal notFound(UUID deviceId) {
    return Refusal.of(ErrorCode.DEVICE_NOT_FOUND, "no device " + deviceId + " on this account");
  }
}
