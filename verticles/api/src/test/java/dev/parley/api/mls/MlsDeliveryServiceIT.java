package dev.parley.api.mls;

import dev.parley.api.channels.MembershipEvents;
import dev.parley.api.channels.MembershipService;
import dev.parley.api.keys.KeyDirectoryService;
import dev.parley.chatstate.LiveFrames;
import dev.parley.mls.DeviceIdentity;
import dev.parley.mls.KeyPackageBundle;
import dev.parley.mls.KeyPackages;
import dev.parley.shared.Addresses;
import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.Dependency;
import dev.parley.shared.deps.DependencyClients;
import dev.parley.shared.it.ItConfig;
import dev.parley.shared.schema.PostgresMigrator;
import dev.parley.shared.session.SessionDirectory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The Delivery Service's REST side against the real PostgreSQL (a schema of its own, dropped afterwards) and Redis:
 * GroupInfo + tree for members only, per epoch; a device's own Welcome inbox; the low-stock notice reaching the
 * device's gateway address.
 */
@DisplayName("MLS Delivery Service REST side: group info authorization, welcome inbox, low-stock notice")
class MlsDeliveryServiceIT {
  private static final String SCHEMA = "mlsapi_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private static Vertx vertx;
  private static Pool pool;
  private static DependencyClients clients;
  private static MlsDeliveryService service;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    ParleyConfig config = ItConfig.load(vertx);
    ParleyConfig.PgConfig pg = config.pg();
    Flyway.configure().dataSource(pg.jdbcUrl(), pg.user(), pg.password()).locations(PostgresMigrator.LOCATION)
        .schemas(SCHEMA).createSchemas(true).load().migrate();
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(8)).connectingTo(new PgConnectOptions()
        .setHost(pg.host()).setPort(pg.port()).setDatabase(pg.database()).setUser(pg.user())
        .setPassword(pg.password()).addProperty("search_path", SCHEMA)).using(vertx).build();
    clients = DependencyClients.create(vertx, config, EnumSet.of(Dependency.REDIS));
    service = new MlsDeliveryService(pool, new MembershipService(pool, new MembershipEvents(vertx.eventBus()), 100,
        Clock.systemUTC()));
  }

  @AfterAll
  static void stop() {
    await(pool.query("DROP SCHEMA " + SCHEMA + " CASCADE").execute());
    await(pool.close());
    await(clients.close());
    await(vertx.close());
  }

  @Test
  @DisplayName("group info: current and kept epochs for members; non-members, unknown channels, no group refused")
  void groupInfo() {
    UUID member = user();
    UUID stranger = user();
    UUID channel = channel(member);
    assertRefused(() -> service.groupInfo(member, channel, null), ErrorCode.MLS_GROUP_NOT_FOUND);
    epoch(channel, 1, 1, new byte[] {1}, new byte[] {2});
    epoch(channel, 2, 5, new byte[] {3}, new byte[] {4, 5});
    JsonObject current = await(service.groupInfo(member, channel, null));
    assertThat(current.getLong("epoch")).isEqualTo(2);
    assertThat(current.getLong("seq")).isEqualTo(5);
    assertThat(current.getString("ratchetTree")).isEqualTo(Base64.getEncoder().encodeToString(new byte[] {4, 5}));
    assertThat(await(service.groupInfo(member, channel, 1L)).getString("groupInfo")).isEqualTo("AQ==");
    assertRefused(() -> service.groupInfo(member, channel, 7L), ErrorCode.MLS_EPOCH_NOT_FOUND);
    assertRefused(() -> service.groupInfo(stranger, channel, null), ErrorCode.NOT_A_MEMBER);
    assertRefused(() -> service.groupInfo(member, UUID.randomUUID(), null), ErrorCode.CHANNEL_NOT_FOUND);
  }

  @Test
  @DisplayName("welcome inbox: a device lists and deletes its own welcomes only")
  void welcomeInbox() {
    UUID user = user();
    UUID channel = channel(user);
    UUID phone = device(user);
    UUID laptop = device(user);
    UUID w1 = welcome(phone, channel, 1);
    UUID w2 = welcome(phone, channel, 2);
    welcome(laptop, channel, 2);
    JsonObject listed = await(service.welcomes(phone));
    assertThat(listed.getJsonArray("welcomes")).hasSize(2);
    assertThat(listed.getJsonArray("welcomes").getJsonObject(0).getString("welcomeId")).isEqualTo(w1.toString());
    assertThat(listed.getJsonArray("welcomes").getJsonObject(0).getLong("epoch")).isEqualTo(1);
    assertRefused(() -> service.deleteWelcome(laptop, w1), ErrorCode.WELCOME_NOT_FOUND);
    await(service.deleteWelcome(phone, w1));
    assertRefused(() -> service.deleteWelcome(phone, w1), ErrorCode.WELCOME_NOT_FOUND);
    assertThat(await(service.welcomes(phone)).getJsonArray("welcomes")).hasSize(1);
    assertThat(await(service.welcomes(laptop)).getJsonArray("welcomes")).hasSize(1);
    await(service.deleteWelcome(phone, w2));
  }

  @Test
  @DisplayName("a claim that leaves a device below the threshold sends keypackages.low to its gateway; never above it")
  void lowStockNotice() throws Exception {
    UUID user = user();
    DeviceIdentity phone = DeviceIdentity.generate(device(user));
    String node = "it-gw-" + UUID.randomUUID();
    SessionDirectory sessions = new SessionDirectory(clients.redis());
    await(sessions.register(phone.deviceId(), node, 60));
    List<JsonObject> received = new ArrayList<>();
    CompletableFuture<JsonObject> low = new CompletableFuture<>();
    await(vertx.eventBus().<JsonObject>consumer(Addresses.gatewayDeliver(node), m -> {
      JsonObject frame = m.body().getJsonArray("frames").getJsonObject(0).getJsonObject("frame");
      received.add(frame);
      low.complete(frame);
    }).completion());
    LowStockNotices notices = new LowStockNotices(pool, new LiveFrames(vertx.eventBus(), sessions), 3,
        Clock.systemUTC());
    KeyDirectoryService keys = new KeyDirectoryService(vertx, pool, Clock.systemUTC(), notices::claimed);
    await(keys.registerSignatureKey(user, phone.deviceId(), phone.signaturePublicKey()));
    List<byte[]> packages = new ArrayList<>();
    for (KeyPackageBundle b : new KeyPackages(Clock.systemUTC(), Duration.ofDays(30)).oneTime(phone, 4)) {
      packages.add(b.message());
    }
    await(keys.upload(phone.deviceId(), packages, null));
    await(keys.claim(user)); // 3 left: not below 3
    await(keys.claim(user)); // 2 left: below
    JsonObject frame = low.get(30, TimeUnit.SECONDS);
    assertThat(frame.getString("type")).isEqualTo("keypackages.low");
    assertThat(frame.getInteger("oneTimeStock")).isEqualTo(2);
    assertThat(frame.getInteger("threshold")).isEqualTo(3);
    assertThat(received).allSatisfy(f -> assertThat(f.getInteger("oneTimeStock")).isLessThan(3));
    await(sessions.unregister(phone.deviceId(), node));
  }

  private static void assertRefused(java.util.function.Supplier<Future<?>> call, ErrorCode code) {
    Throwable thrown = catchThrowable(() -> await(call.get()));
    Throwable cause = thrown instanceof IllegalStateException && thrown.getCause() != null ? thrown.getCause() : thrown;
    assertThat(cause).isInstanceOf(Refusal.class);
    assertThat(((Refusal) cause).code()).isEqualTo(code);
  }

  private static UUID user() {
    UUID id = UUID.randomUUID();
    await(pool.preparedQuery("INSERT INTO users (id, username, display_name, password_hash) VALUES ($1, $2, 'U', 'x')")
        .execute(Tuple.of(id, "u" + id.toString().substring(0, 18))));
    return id;
  }

  private static UUID device(UUID user) {
    UUID id = UUID.randomUUID();
    await(pool.preparedQuery("INSERT INTO devices (id, user_id, name) VALUES ($1, $2, 'd')").execute(Tuple.of(id, user)));
    return id;
  }

  private static UUID channel(UUID member) {
    UUID id = UUID.randomUUID();
    await(pool.preparedQuery("INSERT INTO channels (id, kind, name, created_by) VALUES ($1, 'group', 'g', $2)")
        .execute(Tuple.of(id, member)));
    await(pool.preparedQuery("INSERT INTO channel_members (channel_id, user_id, role) VALUES ($1, $2, 'admin')")
        .execute(Tuple.of(id, member)));
    await(pool.preparedQuery("INSERT INTO user_channels (user_id, channel_id) VALUES ($1, $2)")
        .execute(Tuple.of(member, id)));
    return id;
  }

  private static void epoch(UUID channel, long epoch, long seq, byte[] info, byte[] tree) {
    await(pool.preparedQuery("INSERT INTO mls_epochs (channel_id, epoch, seq, committer, group_info, ratchet_tree, "
        + "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)").execute(Tuple.of(channel, epoch, seq, UUID.randomUUID(),
        Buffer.buffer(info), Buffer.buffer(tree), OffsetDateTime.now())));
  }

  private static UUID welcome(UUID device, UUID channel, long epoch) {
    UUID id = UUID.randomUUID();
    await(pool.preparedQuery("INSERT INTO mls_welcomes (welcome_id, device_id, channel_id, epoch, seq, welcome, "
        + "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)").execute(Tuple.of(id, device, channel, epoch, epoch,
        Buffer.buffer(new byte[] {9}), OffsetDateTime.now().plusNanos(epoch * 1000))));
    return id;
  }
}
