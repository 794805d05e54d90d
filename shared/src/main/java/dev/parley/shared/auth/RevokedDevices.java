package dev.parley.shared.auth;

import dev.parley.shared.Addresses;
import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Access tokens refused before they expire: every token of a removed or revoked device, and single tokens by id
 * ({@code jti}) after logout. PostgreSQL is authoritative ({@code devices.revoked_at}, {@code revoked_tokens}, written
 * by the caller's transaction or by {@link #revokeToken}); Redis holds a cache of the entries that can still matter
 * (each lives until the last token it refuses would have expired), checked on every authentication in one round trip.
 *
 * <p>After Redis lost its data the cache is empty, and the marker key says so: checks then ask PostgreSQL directly
 * while one reload per node copies the live entries back, so a revoked device or logged-out token stays out
 * (docs/reliability.md). The event-bus publishes let every gateway cut the affected socket at once.
 */
public final class RevokedDevices {
  private static final Logger LOG = LoggerFactory.getLogger(RevokedDevices.class);
  private static final String DEVICE_PREFIX = "parley:revoked-device:";
  private static final String TOKEN_PREFIX = "parley:revoked-token:";
  private static final String LOADED = "parley:revocations:loaded";
  /** Margin over the token TTL for clock skew between nodes. */
  private static final int MARGIN_SECONDS = 60;

  private final Redis redis;
  private final Pool pg;
  private final EventBus eventBus;
  private final int tokenTtlSeconds;
  private final Clock clock;
  private Future<Void> reload;

  public RevokedDevices(Redis redis, Pool pg, EventBus eventBus, int tokenTtlSeconds, Clock clock) {
    this.redis = redis;
    this.pg = pg;
    this.eventBus = eventBus;
    this.tokenTtlSeconds = tokenTtlSeconds;
    this.clock = clock;
  }

  /**
   * Caches the device's revocation (the caller wrote {@code devices.revoked_at} in PostgreSQL) and tells every
   * gateway.
   */
  public Future<Void> revoke(UUID userId, UUID deviceId) {
    return redis.send(Request.cmd(Command.SET).arg(DEVICE_PREFIX + deviceId).arg(userId.toString())
            .arg("EX").arg(tokenTtlSeconds + MARGIN_SECONDS))
        .onSuccess(ok -> eventBus.publish(Addresses.DEVICE_REVOKED,
            new JsonObject().put("userId", userId.toString()).put("deviceId", deviceId.toString())))
        .mapEmpty();
  }

  /** Refuses one access token from now on (logout): PostgreSQL first, then the cache, then every gateway. */
  public Future<Void> revokeToken(AccessClaims claims) {
    long ttl = Math.max(1, claims.expiresAtEpochSeconds() - clock.instant().getEpochSecond() + MARGIN_SECONDS);
    OffsetDateTime expires = OffsetDateTime.ofInstant(Instant.ofEpochSecond(claims.expiresAtEpochSeconds()), ZoneOffset.UTC);
    return pg.preparedQuery("INSERT INTO revoked_tokens (jti, user_id, device_id, expires_at) VALUES ($1, $2, $3, $4) "
            + "ON CONFLICT (jti) DO NOTHING")
        .execute(Tuple.of(claims.tokenId(), claims.userId(), claims.deviceId(), expires))
        .compose(v -> redis.send(Request.cmd(Command.SET).arg(TOKEN_PREFIX + claims.tokenId()).arg("1").arg("EX").arg(ttl)))
        .onSuccess(ok -> eventBus.publish(Addresses.TOKEN_REVOKED, new JsonObject().put("jti", claims.tokenId())
            .put("userId", claims.userId().toString()).put("deviceId", claims.deviceId().toString())))
        .mapEmpty();
  }

  /** The claims when neither their device nor their token is revoked; else a {@link Refusal}. */
  public Future<AccessClaims> check(AccessClaims claims, String deviceDetail) {
    return refusal(claims).compose(code -> code == null ? Future.succeededFuture(claims)
        : Future.failedFuture(Refusal.of(code, code == ErrorCode.DEVICE_REVOKED ? deviceDetail
            : "this access token was revoked (logged out); log in again")));
  }

  public Future<Boolean> isRevoked(UUID deviceId) {
    return redis.send(Request.cmd(Command.EXISTS).arg(DEVICE_PREFIX + deviceId)).map(r -> r != null && r.toInteger() == 1);
  }

  /** {@code device_revoked}, {@code token_revoked} or null (allowed). */
  private Future<ErrorCode> refusal(AccessClaims c) {
    List<Request> ask = List.of(Request.cmd(Command.EXISTS).arg(LOADED),
        Request.cmd(Command.EXISTS).arg(DEVICE_PREFIX + c.deviceId()),
        Request.cmd(Command.EXISTS).arg(TOKEN_PREFIX + c.tokenId()));
    return redis.batch(ask).compose(r -> {
      if (one(r.get(0))) {
        return Future.succeededFuture(one(r.get(1)) ? ErrorCode.DEVICE_REVOKED : one(r.get(2)) ? ErrorCode.TOKEN_REVOKED : null);
      }
      startReload();
      return fromPostgres(c);
    });
  }

  private static boolean one(Response r) {
    return r != null && r.toInteger() == 1;
  }

  private Future<ErrorCode> fromPostgres(AccessClaims c) {
    return pg.preparedQuery("SELECT (SELECT revoked_at IS NOT NULL FROM devices WHERE id = $1), "
            + "EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = $2)").execute(Tuple.of(c.deviceId(), c.tokenId()))
        .map(rows -> {
          Row row = rows.iterator().next();
          return Boolean.TRUE.equals(row.getBoolean(0)) ? ErrorCode.DEVICE_REVOKED
              : row.getBoolean(1) ? ErrorCode.TOKEN_REVOKED : null;
        });
  }

  /** One reload at a time on this node: copies the entries that can still refuse a token back into Redis. */
  private synchronized void startReload() {
    if (reload != null) {
      return;
    }
    long now = clock.instant().getEpochSecond();
    OffsetDateTime since = OffsetDateTime.ofInstant(Instant.ofEpochSecond(now - tokenTtlSeconds - MARGIN_SECONDS),
        ZoneOffset.UTC);
    OffsetDateTime nowTs = OffsetDateTime.ofInstant(Instant.ofEpochSecond(now), ZoneOffset.UTC);
    reload = pg.preparedQuery("SELECT id, user_id, revoked_at FROM devices WHERE revoked_at > $1").execute(Tuple.of(since))
        .compose(devices -> pg.preparedQuery("SELECT jti, expires_at FROM revoked_tokens WHERE expires_at > $1")
            .execute(Tuple.of(nowTs)).compose(tokens -> {
              List<Request> sets = new ArrayList<>();
              for (Row d : devices) {
                long left = d.getOffsetDateTime(2).toEpochSecond() + tokenTtlSeconds + MARGIN_SECONDS - now;
                sets.add(Request.cmd(Command.SET).arg(DEVICE_PREFIX + d.getUUID(0)).arg(d.getUUID(1).toString())
                    .arg("EX").arg(Math.max(1, left)));
              }
              for (Row t : tokens) {
                sets.add(Request.cmd(Command.SET).arg(TOKEN_PREFIX + t.getString(0)).arg("1").arg("EX")
                    .arg(Math.max(1, t.getOffsetDateTime(1).toEpochSecond() - now + MARGIN_SECONDS)));
              }
              sets.add(Request.cmd(Command.SET).arg(LOADED).arg("1"));
              LOG.info("revocations reloaded into Redis from PostgreSQL: {} devices, {} tokens", devices.size(), tokens.size());
              return redis.batch(sets).<Void>mapEmpty();
            }))
        .onComplete(ar -> {
          if (ar.failed()) {
            LOG.warn("reloading revocations into Redis failed (checks keep asking PostgreSQL): {}", ar.cause().toString());
          }
          synchronized (this) {
            reload = null;
          }
        });
  }
}
