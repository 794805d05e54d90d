package dev.parley.api.push;

import dev.parley.shared.Refusal;
import dev.parley.shared.ErrorCode;
import dev.parley.shared.push.PushPlatform;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.function.Function;

/**
 * A device's push registration: its SNS platform endpoint (created under the platform's application ARN, updated
 * when the token changes, deleted on unregister, device removal or logout) and its row in {@code push_endpoints}.
 * SNS is called before PostgreSQL is written, so a stored row always names an endpoint that existed; a crash in
 * between leaves at most an orphan endpoint in SNS, which the next registration of that token finds again
 * (CreatePlatformEndpoint is idempotent per token).
 */
public final class PushRegistrations {
  private static final Logger LOG = LoggerFactory.getLogger(PushRegistrations.class);
  private static final String COLUMNS = "device_id, platform, token, endpoint_arn, updated_at, disabled_at, disabled_reason";

  private final Pool pg;
  private final PlatformEndpoints endpoints;
  private final Function<PushPlatform, String> applicationArns;
  private final Clock clock;

  /** @param applicationArns each platform's application ARN, empty when this deployment does not offer it */
  public PushRegistrations(Pool pg, PlatformEndpoints endpoints, Function<PushPlatform, String> applicationArns,
                           Clock clock) {
    this.pg = pg;
    this.endpoints = endpoints;
    this.applicationArns = applicationArns;
    this.clock = clock;
  }

  /** The platform application ARN, or a 422 when the platform is not offered here. */
  public String applicationArn(PushPlatform platform) {
    String arn = applicationArns.apply(platform);
    if (arn == null || arn.isEmpty()) {
      throw new Refusal(ErrorCode.UNKNOWN_PUSH_PLATFORM, "platform",
          "platform '" + platform.wireName() + "' is not offered by this deployment");
    }
    return arn;
  }

  /** Registers (or re-registers) the caller's own device; another device's id is refused. */
  public Future<JsonObject> register(UUID userId, UUID callerDevice, UUID deviceId, PushPlatform platform,
                                     String token) {
    String app = applicationArn(platform);
    return ownDevice(userId, callerDevice, deviceId)
        .compose(v -> current(deviceId))
        .compose(row -> endpointFor(row, platform, app, token))
        .compose(arn -> store(userId, deviceId, platform, token, arn))
        .map(PushRegistrations::json);
  }

  /** The device's registration, telling a client at connect time whether SNS disabled its endpoint. */
  public Future<JsonObject> get(UUID userId, UUID deviceId) {
    return pg.preparedQuery("SELECT " + COLUMNS + " FROM push_endpoints WHERE device_id = $1 AND user_id = $2")
        .execute(Tuple.of(deviceId, userId)).map(rows -> {
          if (rows.size() == 0) {
            throw Refusal.of(ErrorCode.PUSH_NOT_REGISTERED, "device " + deviceId + " has no push registration");
          }
          return json(rows.iterator().next());
        });
  }

  /** Unregisters the caller's own device (idempotent). */
  public Future<Void> unregister(UUID userId, UUID callerDevice, UUID deviceId) {
    return ownDevice(userId, callerDevice, deviceId).compose(v -> forget(deviceId));
  }

  /** Deletes the device's endpoint and row, if any (device removed or logged out). */
  public Future<Void> forget(UUID deviceId) {
    return current(deviceId).compose(row -> row == null ? Future.succeededFuture()
        : endpoints.delete(row.getString("endpoint_arn"))
            .compose(v -> pg.preparedQuery("DELETE FROM push_endpoints WHERE device_id = $1 AND endpoint_arn = $2")
                .execute(Tuple.of(deviceId, row.getString("endpoint_arn"))))
            .mapEmpty());
  }

  /** {@link #forget} that never fails its caller: removal and logout succeed even while SNS is unreachable. */
  public Future<Void> forgetQuietly(UUID deviceId) {
    return forget(deviceId).recover(err -> {
      LOG.warn("device {}: push endpoint not deleted ({}); it stays until the device registers again", deviceId,
          err.toString());
      return Future.succeededFuture();
    });
  }

  private Future<Void> ownDevice(UUID userId, UUID callerDevice, UUID deviceId) {
    return pg.preparedQuery("SELECT 1 FROM devices WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL")
        .execute(Tuple.of(deviceId, userId)).compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(Refusal.of(ErrorCode.DEVICE_NOT_FOUND,
                "no device " + deviceId + " on this account"));
          }
          if (!deviceId.equals(callerDevice)) {
            return Future.failedFuture(Refusal.of(ErrorCode.PUSH_NOT_OWN_DEVICE,
                "only device " + deviceId + " itself manages its push registration"));
          }
          return Future.succeededFuture();
        });
  }

  private Future<Row> current(UUID deviceId) {
    return pg.preparedQuery("SELECT " + COLUMNS + " FROM push_endpoints WHERE device_id = $1")
        .execute(Tuple.of(deviceId)).map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  /** Reuses the device's endpoint when the platform is unchanged (updating a changed token), else makes a new one. */
  private Future<String> endpointFor(Row row, PushPlatform platform, String app, String token) {
    if (row == null) {
      return endpoints.create(app, token);
    }
    String arn = row.getString("endpoint_arn");
    if (!row.getString("platform").equals(platform.wireName())) {
      return endpoints.delete(arn).compose(v -> endpoints.create(app, token));
    }
    if (row.getString("token").equals(token) && row.getOffsetDateTime("disabled_at") == null) {
      return Future.succeededFuture(arn);
    }
    // A changed token, or a disabled endpoint the device re-registers: same endpoint, new token, enabled again.
    return endpoints.update(arn, token).compose(exists -> exists ? Future.succeededFuture(arn)
        : endpoints.create(app, token));
  }

  private Future<Row> store(UUID userId, UUID deviceId, PushPlatform platform, String token, String arn) {
    OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
    // SNS keeps one endpoint per token: if the token moved here from another device (app reinstalled, new login),
    // that device's row names the same endpoint and is dropped; the token is this device's now.
    return pg.withTransaction(conn -> conn.preparedQuery("DELETE FROM push_endpoints WHERE endpoint_arn = $1 "
            + "AND device_id <> $2").execute(Tuple.of(arn, deviceId))
        .compose(v -> conn.preparedQuery("INSERT INTO push_endpoints (device_id, user_id, platform, token, "
                + "endpoint_arn, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) "
                + "ON CONFLICT (device_id) DO UPDATE SET platform = $3, token = $4, endpoint_arn = $5, "
                + "updated_at = $6, disabled_at = NULL, disabled_reason = NULL RETURNING " + COLUMNS)
            .execute(Tuple.of(deviceId, userId, platform.wireName(), token, arn, now)))
        .map(rows -> rows.iterator().next()));
  }

  private static JsonObject json(Row row) {
    OffsetDateTime disabled = row.getOffsetDateTime("disabled_at");
    return new JsonObject().put("deviceId", row.getUUID("device_id").toString())
        .put("platform", row.getString("platform"))
        .put("status", disabled == null ? "active" : "disabled")
        .put("disabledAt", disabled == null ? null : disabled.toInstant().toString())
        .put("disabledReason", row.getString("disabled_reason"))
        .put("updatedAt", row.getOffsetDateTime("updated_at").toInstant().toString());
  }
}
