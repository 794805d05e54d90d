package dev.parley.api.keys;

import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.parley.shared.Refusal;
import dev.parley.mls.DeviceIdentity;
import dev.parley.mls.DeviceKeyLog;
import dev.parley.mls.KeyPackageBundle;
import dev.parley.mls.KeyPackages;
import dev.parley.shared.ErrorCode;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.it.ItConfig;
import dev.parley.shared.schema.PostgresMigrator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The key directory against the real PostgreSQL. It runs in a schema of its own (all migrations applied there, the
 * schema dropped afterwards), so it neither needs nor changes the shared schema's migration state.
 */
@DisplayName("Key directory: signature keys, KeyPackage uploads and claims on PostgreSQL")
class KeyDirectoryIT {
  private static final String SCHEMA = "keys_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private static Vertx vertx;
  private static ParleyConfig.PgConfig pg;
  private static Pool pool;
  private static KeyDirectoryService keys;
  private final KeyPackages packages = new KeyPackages(Clock.systemUTC(), Duration.ofDays(30));

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    pg = ItConfig.load(vertx).pg();
    Flyway.configure().dataSource(pg.jdbcUrl(), pg.user(), pg.password()).locations(PostgresMigrator.LOCATION)
        .schemas(SCHEMA).createSchemas(true).load().migrate();
    PgConnectOptions connect = new PgConnectOptions().setHost(pg.host()).setPort(pg.port())
        .setDatabase(pg.database()).setUser(pg.user()).setPassword(pg.password())
        .addProperty("search_path", SCHEMA);
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(8)).connectingTo(connect).using(vertx).build();
    keys = new KeyDirectoryService(vertx, pool, Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    await(pool.query("DROP SCHEMA " + SCHEMA + " CASCADE").execute());
    await(pool.close());
    await(vertx.close());
  }

  @Test
  @DisplayName("a claim returns one package per keyed device; one-time first, then last resort; keys are listed")
  void claimOnePerDevice() {
    UUID user = user();
    DeviceIdentity phone = device(user);
    DeviceIdentity laptop = device(user);
    DeviceIdentity tablet = device(user);
    List<byte[]> phonePackages = messages(packages.oneTime(phone, 2));
    upload(phone, phonePackages, packages.lastResort(phone).message());
    upload(laptop, List.of(), packages.lastResort(laptop).message());
    register(tablet);

    JsonObject first = await(keys.claim(user));
    assertThat(entries(first)).extracting(e -> e.getString("deviceId"))
        .containsExactly(phone.deviceId().toString(), laptop.deviceId().toString());
    assertThat(entries(first).get(0).getBoolean("lastResort")).isFalse();
    assertThat(entries(first).get(1).getBoolean("lastResort")).isTrue();
    assertThat(first.getJsonArray("unavailableDevices")).containsExactly(tablet.deviceId().toString());
    await(keys.claim(user));
    JsonObject third = await(keys.claim(user));
    assertThat(entries(third).get(0).getBoolean("lastResort")).isTrue();

    JsonArray listed = await(keys.deviceKeys(user)).getJsonArray("devices");
    assertThat(listed).hasSize(3);
    assertThat(listed.getJsonObject(0).getString("signatureKey"))
        .isEqualTo(KeyDirectoryService.base64(phone.signaturePublicKey()));
    assertApi(() -> keys.claim(UUID.randomUUID()), ErrorCode.USER_NOT_FOUND);
  }

  @Test
  @DisplayName("a signature key is bound once: the same key again is fine, another is refused")
  void signatureKeyBinding() {
    UUID user = user();
    DeviceIdentity phone = device(user);
    register(phone);
    register(phone);
    byte[] other = DeviceIdentity.generate(phone.deviceId()).signaturePublicKey();
    assertApi(() -> keys.registerSignatureKey(user, phone.deviceId(), other), ErrorCode.SIGNATURE_KEY_ALREADY_REGISTERED);
    assertThatThrownBy(() -> keys.registerSignatureKey(user, phone.deviceId(), new byte[31]))
        .isInstanceOfSatisfying(Refusal.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD));
  }

  @Test
  @DisplayName("uploads are refused before registration and for packages of another device, key, or lifetime")
  void uploadRefusals() {
    UUID user = user();
    DeviceIdentity phone = device(user);
    byte[] good = packages.oneTime(phone, 1).get(0).message();
    assertApi(() -> keys.upload(phone.deviceId(), List.of(good), null), ErrorCode.SIGNATURE_KEY_NOT_REGISTERED);
    register(phone);

    DeviceIdentity stranger = DeviceIdentity.generate(UUID.randomUUID());
    assertInvalid(packages.oneTime(stranger, 1).get(0).message(), phone, "oneTime[1]");
    DeviceIdentity impostor = DeviceIdentity.generate(phone.deviceId());
    assertInvalid(packages.oneTime(impostor, 1).get(0).message(), phone, "oneTime[1]");
    KeyPackages longAgo = new KeyPackages(Clock.fixed(Instant.now().minus(Duration.ofDays(40)), ZoneOffset.UTC),
        Duration.ofDays(30));
    assertInvalid(longAgo.oneTime(phone, 1).get(0).message(), phone, "oneTime[1]");
    byte[] tampered = good.clone();
    tampered[tampered.length - 1] ^= 1;
    assertInvalid(tampered, phone, "oneTime[1]");

    assertThat(await(keys.upload(phone.deviceId(), List.of(good, good), null)).getLong("oneTimeStock")).isEqualTo(1);
    assertThat(await(keys.upload(phone.deviceId(), List.of(good), null)).getLong("oneTimeStock")).isEqualTo(1);
  }

  @Test
  @DisplayName("concurrent claims never hand out the same one-time package twice")
  void concurrentClaims() {
    UUID user = user();
    List<DeviceIdentity> devices = List.of(device(user), device(user));
    Set<String> uploaded = new HashSet<>();
    for (DeviceIdentity device : devices) {
      List<byte[]> batch = messages(packages.oneTime(device, 25));
      batch.forEach(b -> uploaded.add(KeyDirectoryService.base64(b)));
      upload(device, batch, packages.lastResort(device).message());
    }
    List<Future<JsonObject>> claims = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      claims.add(keys.claim(user));
    }
    await(Future.join(claims));
    List<String> oneTime = new ArrayList<>();
    int lastResort = 0;
    for (Future<JsonObject> claim : claims) {
      for (JsonObject entry : entries(claim.result())) {
        if (entry.getBoolean("lastResort")) {
          lastResort++;
        } else {
          oneTime.add(entry.getString("keyPackage"));
        }
      }
    }
    assertThat(oneTime).doesNotHaveDuplicates().hasSize(50);
    assertThat(uploaded).containsAll(oneTime);
    assertThat(lastResort).isEqualTo(40 * 2 - 50);
  }

  @Test
  @DisplayName("the device-key log chains every registration and removal, one seq each even when devices race")
  void deviceKeyLog() {
    UUID user = user();
    List<DeviceIdentity> devices = new ArrayList<>();
    List<Future<JsonObject>> registrations = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      DeviceIdentity device = device(user);
      devices.add(device);
      registrations.add(keys.registerSignatureKey(user, device.deviceId(), device.signaturePublicKey()));
    }
    await(Future.all(registrations));
    register(devices.get(0));
    await(pool.withTransaction(conn -> DeviceKeyLogAppender.removed(conn, user, devices.get(3).deviceId(),
        java.time.OffsetDateTime.now(ZoneOffset.UTC))));

    List<DeviceKeyLog.Entry> entries = new ArrayList<>();
    await(keys.keyLog(user, 0)).getJsonArray("entries").forEach(o -> {
      JsonObject e = (JsonObject) o;
      entries.add(new DeviceKeyLog.Entry(e.getLong("seq"), UUID.fromString(e.getString("deviceId")),
          DeviceKeyLog.Action.valueOf(e.getString("action").toUpperCase(java.util.Locale.ROOT)),
          java.util.Base64.getDecoder().decode(e.getString("signatureKey")),
          java.util.Base64.getDecoder().decode(e.getString("hash"))));
    });
    assertThat(entries).extracting(DeviceKeyLog.Entry::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    assertThat(entries.get(8).action()).isEqualTo(DeviceKeyLog.Action.REMOVED);
    assertThat(entries.get(8).deviceId()).isEqualTo(devices.get(3).deviceId());
    DeviceKeyLog.verify(DeviceKeyLog.GENESIS, entries);
    assertThat(await(keys.keyLog(user, 7)).getJsonArray("entries")).hasSize(2);
  }

  private void assertInvalid(byte[] bad, DeviceIdentity device, String field) {
    byte[] good = packages.oneTime(device, 1).get(0).message();
    Refusal refusal = refusal(() -> keys.upload(device.deviceId(), List.of(good, bad), null));
    assertThat(refusal.code()).isEqualTo(ErrorCode.INVALID_KEY_PACKAGE);
    assertThat(refusal.field()).isEqualTo(field);
  }

  private static void assertApi(java.util.function.Supplier<Future<JsonObject>> call, ErrorCode code) {
    assertThat(refusal(call).code()).isEqualTo(code);
  }

  /** The Refusal a call fails with (thrown at once or failed into its Future). */
  private static Refusal refusal(java.util.function.Supplier<Future<JsonObject>> call) {
    Throwable failure;
    try {
      Future<JsonObject> future = call.get();
      failure = catchThrowable(() -> await(future));
      failure = failure == null ? null : failure.getCause();
    } catch (Refusal e) {
      failure = e;
    }
    assertThat(failure).isInstanceOf(Refusal.class);
    return (Refusal) failure;
  }

  private static List<JsonObject> entries(JsonObject claim) {
    List<JsonObject> out = new ArrayList<>();
    claim.getJsonArray("keyPackages").forEach(o -> out.add((JsonObject) o));
    return out;
  }

  private static List<byte[]> messages(List<KeyPackageBundle> bundles) {
    return bundles.stream().map(KeyPackageBundle::message).toList();
  }

  private void upload(DeviceIdentity device, List<byte[]> oneTime, byte[] lastResort) {
    register(device);
    await(keys.upload(device.deviceId(), oneTime, lastResort));
  }

  private void register(DeviceIdentity device) {
    UUID user = await(pool.preparedQuery("SELECT user_id FROM devices WHERE id = $1")
        .execute(Tuple.of(device.deviceId()))).iterator().next().getUUID("user_id");
    await(keys.registerSignatureKey(user, device.deviceId(), device.signaturePublicKey()));
  }

  private static UUID user() {
    UUID id = UUID.randomUUID();
    await(pool.preparedQuery("INSERT INTO users (id, username, display_name, password_hash) VALUES ($1, $2, $3, 'x')")
        .execute(Tuple.of(id, "u" + id.toString().substring(0, 8), "User")));
    return id;
  }

  private static DeviceIdentity device(UUID user) {
    DeviceIdentity identity = DeviceIdentity.generate(UUID.randomUUID());
    await(pool.preparedQuery("INSERT INTO devices (id, user_id, name) VALUES ($1, $2, 'd')")
        .execute(Tuple.of(identity.deviceId(), user)));
    return identity;
  }
}
