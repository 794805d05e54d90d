package dev.parley.api.keys;

import dev.parley.mls.MlsSuite;

import dev.parley.shared.Refusal;
import dev.parley.mls.KeyPackageCheck;
import dev.parley.mls.MlsException;
import dev.parley.shared.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * The MLS key directory (docs/e2ee.md): a device's signature key, bound to it once; the KeyPackages it publishes
 * (checked like a committer would: suite, lifetime, credential naming the device, signed by the registered key);
 * and claims that hand out one package per device of a user, each one-time package at most once.
 */
public final class KeyDirectoryService {
  /** Most packages one upload may carry. */
  public static final int MAX_BATCH = 100;
  /** Most one-time packages a device may hold in stock. */
  public static final int MAX_STOCK = 500;

  /**
   * Takes the oldest unexpired one-time package of a device and deletes it in the same statement. {@code SKIP LOCKED}
   * makes concurrent claims pass over a row another claim is taking instead of waiting for it and then finding it
   * gone, so each row is returned by exactly one claim.
   */
  private static final String CLAIM_ONE_TIME = "DELETE FROM key_packages WHERE ref = (SELECT ref FROM key_packages "
      + "WHERE device_id = $1 AND NOT last_resort AND not_after > $2 ORDER BY uploaded_at, ref LIMIT 1 "
      + "FOR UPDATE SKIP LOCKED) RETURNING package";
  private static final String ACTIVE_KEYED_DEVICES = "SELECT k.device_id, k.signature_key FROM device_keys k "
      + "JOIN devices d ON d.id = k.device_id WHERE k.user_id = $1 AND d.revoked_at IS NULL "
      + "ORDER BY d.created_at, d.id";

  private final Vertx vertx;
  private final Pool pg;
  private final KeyPackageCheck check;
  private final Clock clock;

  /** Told the device of every one-time package a claim hands out (the low-stock notice); may do nothing. */
  private final java.util.function.Consumer<UUID> claimedOneTime;

  public KeyDirectoryService(Vertx vertx, Pool pg, Clock clock) {
    this(vertx, pg, clock, device -> { });
  }

  public KeyDirectoryService(Vertx vertx, Pool pg, Clock clock, java.util.function.Consumer<UUID> claimedOneTime) {
    this.vertx = vertx;
    this.pg = pg;
    this.check = new KeyPackageCheck(clock);
    this.clock = clock;
    this.claimedOneTime = claimedOneTime;
  }

  /** Binds {@code key} to the caller's device; the same key again is a no-op, another key is refused. */
  public Future<JsonObject> registerSignatureKey(UUID userId, UUID deviceId, byte[] key) {
    if (key.length != 32) {
      throw new Refusal(ErrorCode.INVALID_FIELD, "signatureKey", "an Ed25519 public key is 32 bytes");
    }
    OffsetDateTime now = now();
    return pg.withTransaction(conn -> conn.preparedQuery("INSERT INTO device_keys (device_id, user_id, "
                + "signature_key, registered_at) SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM devices "
                + "WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL) ON CONFLICT (device_id) DO NOTHING "
                + "RETURNING device_id")
            .execute(Tuple.of(deviceId, userId, io.vertx.core.buffer.Buffer.buffer(key), now))
            .compose(inserted -> inserted.size() == 0 ? Future.succeededFuture()
                : DeviceKeyLogAppender.added(conn, userId, deviceId, key, now)))
        .compose(v -> registeredKey(deviceId))
        .map(registered -> {
          if (!Arrays.equals(registered, key)) {
            throw new Refusal(ErrorCode.SIGNATURE_KEY_ALREADY_REGISTERED, "signatureKey",
                "this device already has another signature key; a new key needs a new device");
          }
          return new JsonObject().put("deviceId", deviceId.toString()).put("signatureKey", base64(key));
        });
  }

  /** {@code userId}'s device-key log after {@code afterSeq} (0: from the start), for clients to verify. */
  public Future<JsonObject> keyLog(UUID userId, long afterSeq) {
    return requireUser(userId).compose(v -> DeviceKeyLogAppender.read(pg, userId, afterSeq));
  }

  /** Stores the caller's KeyPackages after checking each (off the event loop: two signature checks apiece). */
  public Future<JsonObject> upload(UUID deviceId, List<byte[]> oneTime, byte[] lastResort) {
    if (oneTime.size() > MAX_BATCH) {
      throw new Refusal(ErrorCode.INVALID_FIELD, "oneTime", "at most " + MAX_BATCH + " packages per upload");
    }
    return registeredKey(deviceId)
        .compose(key -> vertx.executeBlocking(() -> MlsSuite.exclusive(() -> checkAll(deviceId, key, oneTime, lastResort)), false))
        .compose(checked -> pg.withTransaction(conn -> store(conn, deviceId, checked, lastResort != null)));
  }

  /** One package per active, keyed device of {@code userId}: one-time while stock lasts, then last resort. */
  public Future<JsonObject> claim(UUID userId) {
    return requireUser(userId)
        .compose(v -> pg.preparedQuery(ACTIVE_KEYED_DEVICES).execute(Tuple.of(userId)))
        .compose(rows -> {
          List<Future<JsonObject>> claims = new ArrayList<>();
          rows.forEach(row -> claims.add(claimFor(row.getUUID("device_id"))));
          return Future.all(claims).map(all -> {
            JsonArray packages = new JsonArray();
            JsonArray unavailable = new JsonArray();
            for (int i = 0; i < all.size(); i++) {
              JsonObject entry = all.resultAt(i);
              (entry.containsKey("keyPackage") ? packages : unavailable).add(
                  entry.containsKey("keyPackage") ? entry : entry.getString("deviceId"));
            }
            return new JsonObject().put("keyPackages", packages).put("unavailableDevices", unavailable);
          });
        });
  }

  /** The signature keys of {@code userId}'s active devices (what a client's {@code KeyDirectory} caches). */
  public Future<JsonObject> deviceKeys(UUID userId) {
    return requireUser(userId)
        .compose(v -> pg.preparedQuery(ACTIVE_KEYED_DEVICES).execute(Tuple.of(userId)))
        .map(rows -> {
          JsonArray devices = new JsonArray();
          rows.forEach(row -> devices.add(new JsonObject().put("deviceId", row.getUUID("device_id").toString())
              .put("signatureKey", base64(row.getBuffer("signature_key").getBytes()))));
          return new JsonObject().put("devices", devices);
        });
  }

  private Future<JsonObject> claimFor(UUID deviceId) {
    JsonObject entry = new JsonObject().put("deviceId", deviceId.toString());
    return pg.preparedQuery(CLAIM_ONE_TIME).execute(Tuple.of(deviceId, now()))
        .compose(taken -> {
          if (taken.size() > 0) {
            claimedOneTime.accept(deviceId);
            return Future.succeededFuture(entry.put("lastResort", false)
                .put("keyPackage", base64(taken.iterator().next().getBuffer("package").getBytes())));
          }
          return pg.preparedQuery("SELECT package FROM key_packages WHERE device_id = $1 AND last_resort "
                  + "AND not_after > $2").execute(Tuple.of(deviceId, now()))
              .map(rows -> rows.size() == 0 ? entry : entry.put("lastResort", true)
                  .put("keyPackage", base64(rows.iterator().next().getBuffer("package").getBytes())));
        });
  }

  private List<Checked> checkAll(UUID deviceId, byte[] key, List<byte[]> oneTime, byte[] lastResort) {
    List<Checked> checked = new ArrayList<>();
    for (int i = 0; i < oneTime.size(); i++) {
      checked.add(checkOne("oneTime[" + i + "]", oneTime.get(i), deviceId, key, false));
    }
    if (lastResort != null) {
      checked.add(checkOne("lastResort", lastResort, deviceId, key, true));
    }
    return checked;
  }

  private Checked checkOne(String field, byte[] message, UUID deviceId, byte[] key, boolean lastResort) {
    try {
      return new Checked(check.check(message, deviceId, key), message, lastResort);
    } catch (MlsException e) {
      throw new Refusal(ErrorCode.INVALID_KEY_PACKAGE, field,
          e.reason().name().toLowerCase(java.util.Locale.ROOT) + ": " + e.getMessage());
    }
  }

  private Future<JsonObject> store(SqlConnection conn, UUID deviceId, List<Checked> checked, boolean replaceLast) {
    OffsetDateTime now = now();
    List<Tuple> rows = new ArrayList<>();
    checked.forEach(c -> rows.add(Tuple.of(io.vertx.core.buffer.Buffer.buffer(c.result().ref()), deviceId,
        c.lastResort(), io.vertx.core.buffer.Buffer.buffer(c.message()),
        OffsetDateTime.ofInstant(Instant.ofEpochSecond(c.result().notAfterSeconds()), ZoneOffset.UTC), now)));
    Future<?> cleared = replaceLast
        ? conn.preparedQuery("DELETE FROM key_packages WHERE device_id = $1 AND last_resort").execute(Tuple.of(deviceId))
        : Future.succeededFuture();
    return cleared
        .compose(v -> rows.isEmpty() ? Future.succeededFuture() : conn.preparedQuery("INSERT INTO key_packages "
            + "(ref, device_id, last_resort, package, not_after, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6) "
            + "ON CONFLICT (ref) DO NOTHING").executeBatch(rows))
        .compose(v -> conn.preparedQuery("SELECT count(*) FILTER (WHERE NOT last_resort) AS stock, "
            + "count(*) FILTER (WHERE last_resort) AS last FROM key_packages WHERE device_id = $1")
            .execute(Tuple.of(deviceId)))
        .map(counts -> {
          Row row = counts.iterator().next();
          long stock = row.getLong("stock");
          if (stock > MAX_STOCK) {
            throw Refusal.of(ErrorCode.KEY_PACKAGE_STOCK_FULL, "a device holds at most " + MAX_STOCK
                + " one-time KeyPackages; it has " + stock + " with this upload");
          }
          return new JsonObject().put("oneTimeStock", stock).put("lastResort", row.getLong("last") > 0);
        });
  }

  private Future<byte[]> registeredKey(UUID deviceId) {
    return pg.preparedQuery("SELECT k.signature_key FROM device_keys k JOIN devices d ON d.id = k.device_id "
            + "WHERE k.device_id = $1 AND d.revoked_at IS NULL").execute(Tuple.of(deviceId))
        .map(rows -> {
          if (rows.size() == 0) {
            throw Refusal.of(ErrorCode.SIGNATURE_KEY_NOT_REGISTERED,
                "register this device's signature key (PUT /v1/keys/signature-key) first");
          }
          return rows.iterator().next().getBuffer("signature_key").getBytes();
        });
  }

  private Future<Void> requireUser(UUID userId) {
    return pg.preparedQuery("SELECT 1 FROM users WHERE id = $1").execute(Tuple.of(userId))
        .map(rows -> {
          if (rows.size() == 0) {
            throw Refusal.of(ErrorCode.USER_NOT_FOUND, "no user " + userId);
          }
          return null;
        });
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }

  static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  private record Checked(KeyPackageCheck.Checked result, byte[] message, boolean lastResort) {
  }
}
