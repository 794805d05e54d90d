package dev.parley.bench.load;

import dev.parley.shared.config.ConfigLoader;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.Dependency;
import dev.parley.shared.deps.DependencyClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;

/**
 * Writes a fixture set straight into PostgreSQL, in bulk (unnest arrays, chunks of 5,000 rows), the rows the api
 * would write for the same users, devices, channels and memberships (both directions): logging in thousands of
 * devices over REST costs an Argon2 hash each (≈15/s here). Idempotent: rows already present are kept
 * ({@code ON CONFLICT DO NOTHING}), and a set found complete is not touched. Users get an unusable password hash
 * (nobody logs in as them); their access tokens are minted by the operator with the nodes' signing key
 * ({@link Tokens}). Membership caches need no flush: the ids are new to every node's cache, and the chat index
 * heals itself on the first message of each channel (ChatIndexer touches every member).
 */
public final class Provisioner {
  private static final Logger LOG = LoggerFactory.getLogger(Provisioner.class);
  private static final int CHUNK = 5_000;

  private final Pool pg;

  public Provisioner(Pool pg) {
    this.pg = pg;
  }

  /**
   * Provisions {@code m} into the PostgreSQL of the environment ({@code PARLEY_PG_*}, as the nodes read it; for the
   * local cluster {@code eval "$(scripts/infra env)"}) and says what it did. Blocks: call from a main thread.
   */
  public static Outcome fromEnvironment(String keysDir, Manifest m) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject overrides = new JsonObject().put("auth", new JsonObject().put("keysDir", keysDir));
      ParleyConfig config = Coordinator.await(ConfigLoader.load(vertx, overrides), 30_000);
      DependencyClients clients = DependencyClients.create(vertx, config, EnumSet.of(Dependency.POSTGRES));
      long t = System.currentTimeMillis();
      Outcome o = Coordinator.await(new Provisioner(clients.pg()).provision(m), 600_000);
      Coordinator.say((o.reused() ? "reusing" : "provisioned") + " fixture set " + m.set() + ": " + o.users()
          + " devices, " + o.channels() + " channels (" + (System.currentTimeMillis() - t) + " ms)"
          + (o.revokedDevices() > 0 ? "; WARNING " + o.revokedDevices() + " of its devices are revoked" : ""));
      Coordinator.await(clients.close(), 10_000);
      return o;
    } finally {
      vertx.close();
    }
  }

  /** What provisioning found or did. */
  public record Outcome(boolean reused, int users, int channels, long revokedDevices) {
  }

  public Future<Outcome> provision(Manifest m) {
    return complete(m).compose(done -> {
      if (done) {
        return revoked(m).map(r -> new Outcome(true, m.users().size(), m.channels().size(), r));
      }
      LOG.info("provisioning fixture set {}: {} users/devices, {} channels", m.set(), m.users().size(), m.channels().size());
      return insertUsers(m, 0).compose(v -> insertChannels(m, 0)).compose(v -> insertMembers(m, 0))
          .compose(v -> complete(m)).compose(ok -> ok ? revoked(m)
              : Future.failedFuture(new IllegalStateException("fixture set " + m.set() + " is still incomplete after "
                  + "provisioning: do other rows collide with its usernames (bench-" + m.set() + "-N)?")))
          .map(r -> new Outcome(false, m.users().size(), m.channels().size(), r));
    });
  }

  /** True when every device and every membership row of the set exists. */
  private Future<Boolean> complete(Manifest m) {
    UUID[] devices = m.users().stream().map(Manifest.User::deviceId).toArray(UUID[]::new);
    UUID[] channels = m.channels().stream().map(Manifest.Channel::channelId).toArray(UUID[]::new);
    long memberRows = m.channels().stream().mapToLong(c -> c.members().size()).sum();
    return pg.preparedQuery("SELECT (SELECT count(*) FROM devices WHERE id = ANY($1)), "
            + "(SELECT count(*) FROM channel_members WHERE channel_id = ANY($2)), "
            + "(SELECT count(*) FROM user_channels WHERE channel_id = ANY($2))")
        .execute(Tuple.of(devices, (Object) channels))
        .map(rows -> {
          Row r = rows.iterator().next();
          return r.getLong(0) == devices.length && r.getLong(1) == memberRows && r.getLong(2) == memberRows;
        });
  }

  private Future<Long> revoked(Manifest m) {
    UUID[] devices = m.users().stream().map(Manifest.User::deviceId).toArray(UUID[]::new);
    return pg.preparedQuery("SELECT count(*) FROM devices WHERE id = ANY($1) AND revoked_at IS NOT NULL")
        .execute(Tuple.of((Object) devices)).map(rows -> rows.iterator().next().getLong(0));
  }

  private Future<Void> insertUsers(Manifest m, int from) {
    if (from >= m.users().size()) {
      return Future.succeededFuture();
    }
    List<Manifest.User> chunk = m.users().subList(from, Math.min(m.users().size(), from + CHUNK));
    UUID[] ids = chunk.stream().map(Manifest.User::userId).toArray(UUID[]::new);
    UUID[] devices = chunk.stream().map(Manifest.User::deviceId).toArray(UUID[]::new);
    String[] names = chunk.stream().map(Manifest.User::username).toArray(String[]::new);
    return pg.preparedQuery("INSERT INTO users (id, username, display_name, password_hash) "
            + "SELECT u, n, n, 'bench-no-password' FROM unnest($1::uuid[], $2::text[]) AS t(u, n) ON CONFLICT DO NOTHING")
        .execute(Tuple.of(ids, (Object) names))
        .compose(v -> pg.preparedQuery("INSERT INTO devices (id, user_id, name) "
                + "SELECT d, u, 'bench' FROM unnest($1::uuid[], $2::uuid[]) AS t(d, u) ON CONFLICT DO NOTHING")
            .execute(Tuple.of(devices, (Object) ids)))
        .compose(v -> insertUsers(m, from + CHUNK));
  }

  private Future<Void> insertChannels(Manifest m, int from) {
    if (from >= m.channels().size()) {
      return Future.succeededFuture();
    }
    List<Manifest.Channel> chunk = m.channels().subList(from, Math.min(m.channels().size(), from + CHUNK));
    UUID[] ids = chunk.stream().map(Manifest.Channel::channelId).toArray(UUID[]::new);
    String[] kinds = chunk.stream().map(Manifest.Channel::kind).toArray(String[]::new);
    String[] dmKeys = chunk.stream().map(c -> "dm".equals(c.kind()) ? m.dmKey(c) : null).toArray(String[]::new);
    UUID[] creators = chunk.stream().map(c -> m.users().get(c.members().get(0)).userId()).toArray(UUID[]::new);
    return pg.preparedQuery("INSERT INTO channels (id, kind, name, created_by, dm_key) "
            + "SELECT c, k, CASE WHEN k = 'group' THEN 'bench' END, u, d "
            + "FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[]) AS t(c, k, u, d) ON CONFLICT DO NOTHING")
        .execute(Tuple.of(ids, kinds, creators, (Object) dmKeys))
        .compose(v -> insertChannels(m, from + CHUNK));
  }

  private Future<Void> insertMembers(Manifest m, int from) {
    List<UUID> chans = new ArrayList<>();
    List<UUID> users = new ArrayList<>();
    int row = 0;
    for (Manifest.Channel c : m.channels()) {
      for (int member : c.members()) {
        if (row >= from && row < from + CHUNK) {
          chans.add(c.channelId());
          users.add(m.users().get(member).userId());
        }
        row++;
      }
    }
    if (chans.isEmpty()) {
      return Future.succeededFuture();
    }
    UUID[] cs = chans.toArray(UUID[]::new);
    UUID[] us = users.toArray(UUID[]::new);
    return pg.preparedQuery("INSERT INTO channel_members (channel_id, user_id) "
            + "SELECT c, u FROM unnest($1::uuid[], $2::uuid[]) AS t(c, u) ON CONFLICT DO NOTHING")
        .execute(Tuple.of(cs, (Object) us))
        .compose(v -> pg.preparedQuery("INSERT INTO user_channels (user_id, channel_id) "
                + "SELECT u, c FROM unnest($1::uuid[], $2::uuid[]) AS t(c, u) ON CONFLICT DO NOTHING")
            .execute(Tuple.of(cs, (Object) us)))
        .compose(v -> insertMembers(m, from + CHUNK));
  }
}
