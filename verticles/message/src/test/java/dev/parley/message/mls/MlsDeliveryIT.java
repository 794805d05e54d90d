package dev.parley.message.mls;

import dev.parley.message.MessageStore;
import dev.parley.message.Sequencer;
import dev.parley.mls.ChannelSession;
import dev.parley.mls.MlsDevice;
import dev.parley.mls.MlsSuite;
import dev.parley.mls.PendingCommit;
import dev.parley.protocol.SendRecord;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.Dependency;
import dev.parley.shared.deps.DependencyClients;
import dev.parley.shared.ids.MsgIdGenerator;
import dev.parley.shared.it.ItConfig;
import dev.parley.shared.membership.Memberships;
import dev.parley.shared.schema.PostgresMigrator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;

import static dev.parley.message.mls.MlsFixture.id;
import static dev.parley.message.mls.MlsFixture.keyPackages;
import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The message role as MLS Delivery Service on the real Cassandra (seq + epoch, fenced) and PostgreSQL (members,
 * keys, GroupInfo/tree per epoch, Welcome inboxes; in a schema of its own, dropped afterwards): one commit per
 * epoch even between two writers, the epoch surviving a new writer, bad input refused, Welcomes stored once.
 */
@DisplayName("MLS Delivery Service: epoch-checked commits on Cassandra + PostgreSQL")
class MlsDeliveryIT {
  private static final String SCHEMA = "mls_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private static Vertx vertx;
  private static ParleyConfig config;
  private static DependencyClients clients;
  private static Pool pool;
  private static int workers;

  private final MlsFixture f = new MlsFixture();
  private final List<JsonObject> frames = Collections.synchronizedList(new ArrayList<>());
  private MlsDevice alice;
  private MlsDevice bob;
  private MlsDevice carol;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
    config = ItConfig.load(vertx);
    ItConfig.migrate(vertx, config);
    clients = DependencyClients.create(vertx, config, EnumSet.of(Dependency.CASSANDRA));
    ParleyConfig.PgConfig pg = config.pg();
    Flyway.configure().dataSource(pg.jdbcUrl(), pg.user(), pg.password()).locations(PostgresMigrator.LOCATION)
        .schemas(SCHEMA).createSchemas(true).load().migrate();
    pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(8)).connectingTo(new PgConnectOptions()
        .setHost(pg.host()).setPort(pg.port()).setDatabase(pg.database()).setUser(pg.user())
        .setPassword(pg.password()).addProperty("search_path", SCHEMA)).using(vertx).build();
  }

  @AfterAll
  static void tearDown() {
    await(pool.query("DROP SCHEMA " + SCHEMA + " CASCADE").execute());
    await(pool.close());
    await(clients.close());
    await(vertx.close());
  }

  @BeforeEach
  void channelOfThree() {
    UUID creator = user();
    await(pool.preparedQuery("INSERT INTO channels (id, kind, name, created_by) VALUES ($1, 'group', 'it', $2)")
        .execute(Tuple.of(f.channel, creator)));
    alice = member(creator);
    bob = member(user());
    carol = member(user());
  }

  private static UUID user() {
    UUID id = UUID.randomUUID();
    await(pool.preparedQuery("INSERT INTO users (id, username, display_name, password_hash) VALUES ($1, $2, 'it', 'x')")
        .execute(Tuple.of(id, "u" + id.toString().substring(0, 18))));
    return id;
  }

  /** A device of {@code user}, registered with its key, the user a member of the channel. */
  private MlsDevice member(UUID user) {
    MlsDevice device = f.device(true);
    await(pool.preparedQuery("INSERT INTO devices (id, user_id, name) VALUES ($1, $2, 'it')")
        .execute(Tuple.of(id(device), user)));
    await(pool.preparedQuery("INSERT INTO device_keys (device_id, user_id, signature_key, registered_at) "
        + "VALUES ($1, $2, $3, $4)").execute(Tuple.of(id(device), user,
        Buffer.buffer(device.identity().signaturePublicKey()), OffsetDateTime.now())));
    await(pool.preparedQuery("INSERT INTO channel_members (channel_id, user_id) VALUES ($1, $2) "
        + "ON CONFLICT DO NOTHING").execute(Tuple.of(f.channel, user)));
    return device;
  }

  /** One message-role writer: its own store, head cache and gate (as one node). */
  private Sequencer writer() {
    MessageStore store = new MessageStore(clients.cassandra(), config.cassandra().keyspace(), 1000,
        config.message().dedupTtlSeconds());
    await(store.prepare());
    Clock clock = Clock.systemUTC();
    MlsGate.Blocking blocking = new MlsGate.Blocking() {
      @Override
      public <T> Future<T> run(Callable<T> task) {
        return vertx.executeBlocking(() -> MlsSuite.exclusive(task), false);
      }
    };
    Memberships memberships = new Memberships(pool, 1, clock::millis);
    MlsGate gate = new MlsGate(new GroupStates(pool, clock, 16, 100), new MemberKeys(pool),
        ch -> memberships.devicesOf(ch).map(MlsGate::devicesOf), parts -> {
          parts.forEach(p -> frames.add(p.frame()));
          return Future.succeededFuture();
        }, blocking, true);
    return new Sequencer(store, new MsgIdGenerator(++workers, clock), clock, gate);
  }

  private static List<Sequencer.Outcome> sequence(Sequencer writer, SendRecord... sends) {
    // On the consumer's context, as in the message role (one channel's batches one after another).
    Sequencer.Batch batch = await(vertx.getOrCreateContext().<Sequencer.Batch>executeBlocking(() -> null)
        .compose(v -> writer.sequence(List.of(sends))));
    await(batch.recorded());
    await(batch.hinted());
    return batch.outcomes();
  }

  /** Alice creates the group and adds Bob: epoch 0 → 1, stored at seq 1. */
  private ChannelSession[] started(Sequencer writer) {
    ChannelSession a = alice.createGroup(f.channel);
    PendingCommit add = a.add(keyPackages(bob));
    Sequencer.Outcome first = sequence(writer, f.commit(alice, add)).get(0);
    assertThat(first.refused()).as("%s", first.refusal()).isFalse();
    assertThat(first.envelope().seq()).isEqualTo(1);
    a.handle(add.commit());
    return new ChannelSession[] {a, bob.joinFromWelcome(f.channel, add.welcome(), add.ratchetTree())};
  }

  @Test
  @DisplayName("two writers, two commits on epoch 1: exactly one stored; the stale writer reloads and refuses the "
      + "other stale_epoch; a fresh writer reads epoch 2 from the store")
  void oneCommitPerEpochBetweenWriters() {
    Sequencer zombie = writer();
    ChannelSession[] s = started(zombie); // the zombie caches head (seq 1, epoch 1)
    Sequencer owner = writer();
    PendingCommit byAlice = s[0].add(keyPackages(carol));
    PendingCommit byBob = s[1].add(keyPackages(carol));
    Sequencer.Outcome won = sequence(owner, f.commit(alice, byAlice)).get(0);
    assertThat(won.refused()).isFalse();
    assertThat(won.envelope().seq()).isEqualTo(2);

    Sequencer.Outcome lost = sequence(zombie, f.commit(bob, byBob)).get(0);
    assertThat(lost.refused()).as("the zombie re-decided after its insert was refused").isTrue();
    assertThat(lost.refusal().getString("code")).isEqualTo("stale_epoch");
    assertThat(lost.refusal().getLong("epoch")).isEqualTo(2);
    assertThat(frames).anySatisfy(fr -> assertThat(fr.getString("code")).isEqualTo("stale_epoch"));

    Sequencer fresh = writer();
    assertThat(sequence(fresh, f.commit(bob, byBob)).get(0).refusal().getString("code")).isEqualTo("stale_epoch");
    s[0].handle(byAlice.commit());
    byte[] atTwo = s[0].encrypt("hello".getBytes(StandardCharsets.UTF_8));
    Sequencer.Outcome app = sequence(fresh, f.application(alice, atTwo)).get(0);
    assertThat(app.refused()).as("%s", app.refusal()).isFalse();
    assertThat(app.envelope().seq()).isEqualTo(3);
    assertThat(epochsStored()).containsExactly(1L, 2L);
  }

  @Test
  @DisplayName("bad input is refused with documented codes and takes no seq; a replayed commit is stale")
  void badInput() {
    Sequencer writer = writer();
    ChannelSession[] s = started(writer);
    PendingCommit add = s[0].add(keyPackages(carol));
    SendRecord garbage = f.commit(id(alice), new byte[] {0, 1, 0, 2, 9}, null, add.groupInfo(), add.ratchetTree());
    SendRecord forged = f.commit(id(carol), add.commit(), add.welcome(), add.groupInfo(), add.ratchetTree());
    SendRecord wrongTree = f.commit(id(alice), add.commit(), add.welcome(), add.groupInfo(), s[0].ratchetTree());
    SendRecord otherGroup = f.application(alice, carol.createGroup(UUID.randomUUID()).encrypt(new byte[] {1}));
    SendRecord replay = f.commit(id(alice), add.commit(), add.welcome(), add.groupInfo(), add.ratchetTree());
    List<Sequencer.Outcome> out = sequence(writer, garbage, forged, wrongTree, otherGroup);
    assertThat(out).extracting(o -> o.refusal().getString("code"))
        .containsExactly("mls_malformed", "mls_forged_sender", "mls_malformed", "mls_wrong_group");
    assertThat(out.get(2).refusal().getString("field")).isEqualTo("ratchetTree");
    Sequencer.Outcome ok = sequence(writer, f.commit(alice, add)).get(0);
    assertThat(ok.envelope().seq()).as("nothing refused took a seq").isEqualTo(2);
    assertThat(sequence(writer, replay).get(0).refusal().getString("code")).isEqualTo("stale_epoch");
  }

  @Test
  @DisplayName("an accepted add stores the next epoch's GroupInfo + tree and one Welcome per added device, once, "
      + "and sends each added device its welcome frame")
  void welcomesAndGroupState() {
    Sequencer writer = writer();
    ChannelSession[] s = started(writer);
    List<JsonObject> welcomes = frames.stream().filter(fr -> "welcome".equals(fr.getString("type"))).toList();
    assertThat(welcomes).hasSize(1);
    assertThat(welcomes.get(0).getLong("epoch")).isEqualTo(1);
    assertThat(welcomes.get(0).getLong("seq")).isEqualTo(1);
    Row row = await(pool.preparedQuery("SELECT welcome_id, device_id, epoch, seq FROM mls_welcomes "
        + "WHERE channel_id = $1").execute(Tuple.of(f.channel))).iterator().next();
    assertThat(row.getUUID("device_id")).isEqualTo(id(bob));
    assertThat(row.getUUID("welcome_id").toString()).isEqualTo(welcomes.get(0).getString("welcomeId"));
    Row state = await(pool.preparedQuery("SELECT group_info, ratchet_tree, committer FROM mls_epochs "
        + "WHERE channel_id = $1 AND epoch = 1").execute(Tuple.of(f.channel))).iterator().next();
    assertThat(state.getBuffer("ratchet_tree").getBytes()).isEqualTo(s[0].ratchetTree());
    assertThat(state.getUUID("committer")).isEqualTo(id(alice));

    // The same commit replayed from the log (a consumer crash before its offsets were committed): a duplicate,
    // nothing stored twice.
    PendingCommit add = s[0].add(keyPackages(carol));
    SendRecord send = f.commit(alice, add);
    sequence(writer, send);
    Sequencer.Outcome again = sequence(writer(), send).get(0);
    assertThat(again.duplicate()).isTrue();
    assertThat(await(pool.preparedQuery("SELECT count(*) FROM mls_welcomes WHERE channel_id = $1")
        .execute(Tuple.of(f.channel))).iterator().next().getLong(0)).isEqualTo(2);
  }

  @Test
  @DisplayName("a member removed in PostgreSQL: application messages refused until a commit removes the leaf")
  void removalPending() {
    Sequencer writer = writer();
    ChannelSession[] s = started(writer);
    PendingCommit addCarol = s[0].add(keyPackages(carol));
    assertThat(sequence(writer, f.commit(alice, addCarol)).get(0).refused()).isFalse();
    s[0].handle(addCarol.commit());
    await(pool.preparedQuery("DELETE FROM channel_members WHERE channel_id = $1 AND user_id = "
        + "(SELECT user_id FROM devices WHERE id = $2)").execute(Tuple.of(f.channel, id(bob))));
    Sequencer fresh = writer();
    Sequencer.Outcome app = sequence(fresh, f.application(alice, s[0].encrypt(new byte[] {7}))).get(0);
    assertThat(app.refusal().getString("code")).isEqualTo("mls_removal_pending");
    assertThat(app.refusal().getJsonArray("leaves").getList()).containsExactly(1);
    PendingCommit removal = s[0].remove(Set.of(id(bob)));
    assertThat(sequence(fresh, f.commit(alice, removal)).get(0).refused()).isFalse();
    s[0].handle(removal.commit());
    assertThat(sequence(fresh, f.application(alice, s[0].encrypt(new byte[] {8}))).get(0).refused()).isFalse();
  }

  private List<Long> epochsStored() {
    List<Long> out = new ArrayList<>();
    await(pool.preparedQuery("SELECT epoch FROM mls_epochs WHERE channel_id = $1 ORDER BY epoch")
        .execute(Tuple.of(f.channel))).forEach(r -> out.add(r.getLong(0)));
    return out;
  }
}
