package dev.parley.api.tokens;

import dev.parley.shared.Refusal;
import dev.parley.shared.ErrorCode;
import dev.parley.shared.auth.AccessClaims;
import dev.parley.shared.auth.AccessTokens;
import dev.parley.shared.auth.RevokedDevices;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Sessions of devices: login (a device and a new refresh-token family), refresh (rotate), logout (end the family).
 * Refresh tokens follow RFC 9700 §4.14.2: each is single-use; presenting one that was already rotated means two
 * parties hold the family, so the whole family dies and the device is revoked (its access tokens too, at once).
 */
public final class TokenService {
  private static final Logger LOG = LoggerFactory.getLogger(TokenService.class);

  private final Pool pg;
  private final AccessTokens accessTokens;
  private final RevokedDevices revokedDevices;
  private final RefreshTokens refreshTokens;
  private final int maxDevicesPerUser;
  private final Duration refreshTtl;
  private final Clock clock;

  public TokenService(Pool pg, AccessTokens accessTokens, RevokedDevices revokedDevices, RefreshTokens refreshTokens,
                      int maxDevicesPerUser, Duration refreshTtl, Clock clock) {
    this.pg = pg;
    this.accessTokens = accessTokens;
    this.revokedDevices = revokedDevices;
    this.refreshTokens = refreshTokens;
    this.maxDevicesPerUser = maxDevicesPerUser;
    this.refreshTtl = refreshTtl;
    this.clock = clock;
  }

  /**
   * Signs {@code userId} in on a new device named {@code deviceName}, or again on its own active device
   * {@code deviceId} (whose previous refresh family ends). The user row is locked so that concurrent logins cannot
   * exceed the device limit together.
   */
  public Future<JsonObject> login(UUID userId, String deviceName, UUID deviceId) {
    OffsetDateTime now = now();
    String token = refreshTokens.generate();
    return pg.withTransaction(conn -> conn.preparedQuery("SELECT id FROM users WHERE id = $1 FOR UPDATE")
            .execute(Tuple.of(userId))
            .compose(v -> deviceId == null ? newDevice(conn, userId, deviceName, now)
                : existingDevice(conn, userId, deviceId, deviceName, now))
            .compose(device -> insertToken(conn, token, UUID.randomUUID(), device, userId, now).map(device)))
        .map(device -> pair(userId, device, token));
  }

  /** Rotates {@code presented}; reuse of a rotated token revokes the device (see class comment). */
  public Future<JsonObject> refresh(String presented) {
    OffsetDateTime now = now();
    String next = refreshTokens.generate();
    return pg.withTransaction(conn -> conn.preparedQuery("SELECT t.family_id, t.device_id, t.user_id, t.expires_at, "
                + "t.used_at, t.revoked_at, d.revoked_at AS device_revoked_at FROM refresh_tokens t "
                + "JOIN devices d ON d.id = t.device_id WHERE t.token_hash = $1 FOR UPDATE OF t")
            .execute(Tuple.of(refreshTokens.hash(presented)))
            .compose(rows -> rows.size() == 0 ? Future.succeededFuture(Outcome.INVALID)
                : rotate(conn, presented, next, rows.iterator().next(), now)))
        .compose(outcome -> {
          if (outcome.reused()) {
            LOG.warn("refresh token reuse: device {} of user {} revoked", outcome.deviceId(), outcome.userId());
            return Future.failedFuture(Refusal.of(ErrorCode.REFRESH_TOKEN_REUSED,
                "this refresh token was already used; the device has been signed out everywhere"));
          }
          if (outcome.userId() == null) {
            return Future.failedFuture(Refusal.of(ErrorCode.INVALID_REFRESH_TOKEN,
                "refresh token unknown, expired or revoked; log in again"));
          }
          return Future.succeededFuture(pair(outcome.userId(), outcome.deviceId(), next));
        });
  }

  /**
   * Ends the device's refresh family and revokes the access token the logout was made with, at once (deny list by
   * {@code jti}, {@link RevokedDevices#revokeToken}); the device itself stays and may log in again.
   */
  public Future<Void> logout(AccessClaims caller) {
    return pg.preparedQuery("UPDATE refresh_tokens SET revoked_at = $3 WHERE device_id = $1 AND user_id = $2 "
            + "AND revoked_at IS NULL").execute(Tuple.of(caller.deviceId(), caller.userId(), now()))
        .compose(v -> revokedDevices.revokeToken(caller));
  }

  /** Revokes every refresh token of {@code deviceId} inside the caller's transaction (device removal). */
  public static Future<Void> revokeAllOfDevice(SqlConnection conn, UUID deviceId, OffsetDateTime now) {
    return conn.preparedQuery("UPDATE refresh_tokens SET revoked_at = $2 WHERE device_id = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(deviceId, now)).mapEmpty();
  }

  private Future<Outcome> rotate(SqlConnection conn, String presented, String next, Row row, OffsetDateTime now) {
    UUID userId = row.getUUID("user_id");
    UUID deviceId = row.getUUID("device_id");
    if (row.getOffsetDateTime("revoked_at") != null || row.getOffsetDateTime("device_revoked_at") != null
        || !row.getOffsetDateTime("expires_at").isAfter(now)) {
      return Future.succeededFuture(Outcome.INVALID);
    }
    if (row.getOffsetDateTime("used_at") != null) {
      // Redis before the commit: if it fails, the transaction rolls back and the next presentation of the reused
      // token detects the reuse again, rather than the device's access tokens surviving a half-done revocation.
      return revokeAllOfDevice(conn, deviceId, now)
          .compose(v -> conn.preparedQuery("UPDATE devices SET revoked_at = $2 WHERE id = $1")
              .execute(Tuple.of(deviceId, now)))
          .compose(v -> revokedDevices.revoke(userId, deviceId))
          .map(v -> new Outcome(userId, deviceId, true));
    }
    return conn.preparedQuery("UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1")
        .execute(Tuple.of(refreshTokens.hash(presented), now))
        .compose(v -> insertToken(conn, next, row.getUUID("family_id"), deviceId, userId, now))
        .compose(v -> conn.preparedQuery("UPDATE devices SET last_seen_at = $2 WHERE id = $1")
            .execute(Tuple.of(deviceId, now)))
        .map(v -> new Outcome(userId, deviceId, false));
  }

  private Future<UUID> newDevice(SqlConnection conn, UUID userId, String name, OffsetDateTime now) {
    return conn.preparedQuery("SELECT count(*) FROM devices WHERE user_id = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(userId))
        .compose(rows -> {
          if (rows.iterator().next().getLong(0) >= maxDevicesPerUser) {
            return Future.failedFuture(Refusal.of(ErrorCode.DEVICE_LIMIT_REACHED, "this account already has "
                + maxDevicesPerUser + " devices; remove one (DELETE /v1/devices/{deviceId}) or log in as an existing "
                + "device (deviceId)"));
          }
          UUID id = UUID.randomUUID();
          return conn.preparedQuery("INSERT INTO devices (id, user_id, name, created_at, last_seen_at) "
              + "VALUES ($1, $2, $3, $4, $4)").execute(Tuple.of(id, userId, name, now)).map(id);
        });
  }

  private Future<UUID> existingDevice(SqlConnection conn, UUID userId, UUID deviceId, String name,
                                      OffsetDateTime now) {
    return conn.preparedQuery("UPDATE devices SET name = $3, last_seen_at = $4 WHERE id = $1 AND user_id = $2 "
            + "AND revoked_at IS NULL").execute(Tuple.of(deviceId, userId, name, now))
        .compose(rows -> rows.rowCount() == 0
            ? Future.failedFuture(new Refusal(ErrorCode.DEVICE_NOT_FOUND, "deviceId",
                "no active device " + deviceId + " on this account; log in without deviceId to add a device"))
            : revokeAllOfDevice(conn, deviceId, now).map(deviceId));
  }

  private Future<Void> insertToken(SqlConnection conn, String token, UUID family, UUID deviceId, UUID userId,
                                   OffsetDateTime now) {
    return conn.preparedQuery("INSERT INTO refresh_tokens (token_hash, family_id, device_id, user_id, created_at, "
            + "expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .execute(Tuple.of(refreshTokens.hash(token), family, deviceId, userId, now, now.plus(refreshTtl)))
        .mapEmpty();
  }

  private JsonObject pair(UUID userId, UUID deviceId, String refreshToken) {
    return new JsonObject().put("userId", userId.toString()).put("deviceId", deviceId.toString())
        .put("accessToken", accessTokens.issue(userId, deviceId)).put("tokenType", "Bearer")
        .put("accessTokenExpiresIn", accessTokens.ttlSeconds()).put("refreshToken", refreshToken)
        .put("refreshTokenExpiresIn", refreshTtl.toSeconds());
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }

  /** What a presented refresh token turned out to be; userId null means unknown, expired or revoked. */
  private record Outcome(UUID userId, UUID deviceId, boolean reused) {
    static final Outcome INVALID = new Outcome(null, null, false);
  }
}
