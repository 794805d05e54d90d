package dev.parley.message.mls;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The Delivery Service's PostgreSQL state (migration V6): each channel's GroupInfo + ratchet tree per kept epoch
 * ({@code mls_epochs}) and each device's Welcome inbox ({@code mls_welcomes}). Every write is idempotent (a
 * replayed batch writes the same rows again), so the consumer may replay after a failure.
 */
public final class GroupStates {

  /** A kept epoch's public state as stored. */
  public record Stored(long epoch, byte[] groupInfo, byte[] ratchetTree) {
  }

  /** One accepted commit: the epoch it led to, where it is on the log, who sent it, and what came with it. */
  public record Accepted(UUID channel, long epoch, long seq, UUID committer, byte[] groupInfo, byte[] ratchetTree,
                         byte[] welcome, List<UUID> addedDevices) {
  }

  private final Pool pg;
  private final Clock clock;
  private final int keptEpochs;
  private final int welcomeInboxMax;

  public GroupStates(Pool pg, Clock clock, int keptEpochs, int welcomeInboxMax) {
    this.pg = pg;
    this.clock = clock;
    this.keptEpochs = keptEpochs;
    this.welcomeInboxMax = welcomeInboxMax;
  }

  /** The stored state of {@code epoch}, or null. */
  public Future<Stored> load(UUID channel, long epoch) {
    return pg.preparedQuery("SELECT epoch, group_info, ratchet_tree FROM mls_epochs WHERE channel_id = $1 "
            + "AND epoch = $2").execute(Tuple.of(channel, epoch)).map(GroupStates::stored);
  }

  /** The newest stored state of the channel, or null (no commit accepted yet). */
  public Future<Stored> latest(UUID channel) {
    return pg.preparedQuery("SELECT epoch, group_info, ratchet_tree FROM mls_epochs WHERE channel_id = $1 "
            + "ORDER BY epoch DESC LIMIT 1").execute(Tuple.of(channel)).map(GroupStates::stored);
  }

  /** The channels of {@code user} that have an MLS group (a stored epoch). */
  public Future<List<UUID>> groupChannelsOf(UUID user) {
    return pg.preparedQuery("SELECT DISTINCT m.channel_id FROM channel_members m JOIN mls_epochs e "
            + "ON e.channel_id = m.channel_id WHERE m.user_id = $1").execute(Tuple.of(user)).map(rows -> {
              List<UUID> out = new ArrayList<>();
              rows.forEach(r -> out.add(r.getUUID(0)));
              return out;
            });
  }

  private static Stored stored(RowSet<Row> rows) {
    if (rows.size() == 0) {
      return null;
    }
    Row row = rows.iterator().next();
    return new Stored(row.getLong(0), row.getBuffer(1).getBytes(), row.getBuffer(2).getBytes());
  }

  /**
   * Stores the epoch an accepted commit led to (dropping epochs older than the kept ones) and the Welcome in the
   * inbox of each added device (trimming each inbox to its bound); returns the Welcome id per added device.
   */
  public Future<Map<UUID, UUID>> record(Accepted a) {
    OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    Future<RowSet<Row>> epoch = pg.preparedQuery("INSERT INTO mls_epochs (channel_id, epoch, seq, committer, "
            + "group_info, ratchet_tree, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING")
        .execute(Tuple.of(a.channel(), a.epoch(), a.seq(), a.committer(), Buffer.buffer(a.groupInfo()),
            Buffer.buffer(a.ratchetTree()), now))
        .compose(v -> pg.preparedQuery("DELETE FROM mls_epochs WHERE channel_id = $1 AND epoch <= $2")
            .execute(Tuple.of(a.channel(), a.epoch() - keptEpochs)));
    Map<UUID, UUID> ids = new HashMap<>();
    if (a.welcome() == null || a.addedDevices().isEmpty()) {
      return epoch.map(ids);
    }
    List<Tuple> rows = new ArrayList<>();
    for (UUID device : a.addedDevices()) {
      UUID id = welcomeId(a.channel(), a.epoch(), device);
      ids.put(device, id);
      rows.add(Tuple.of(id, device, a.channel(), a.epoch(), a.seq(), Buffer.buffer(a.welcome()), now));
    }
    // A device revoked meanwhile has no row to refer to: its Welcome is simply not kept.
    Future<Void> welcomes = pg.preparedQuery("INSERT INTO mls_welcomes (welcome_id, device_id, channel_id, epoch, "
            + "seq, welcome, created_at) SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM devices "
            + "WHERE id = $2) ON CONFLICT DO NOTHING")
        .executeBatch(rows)
        .compose(v -> pg.preparedQuery("DELETE FROM mls_welcomes WHERE device_id = $1 AND welcome_id NOT IN "
                + "(SELECT welcome_id FROM mls_welcomes WHERE device_id = $1 ORDER BY created_at DESC, "
                + "welcome_id DESC LIMIT $2)")
            .executeBatch(a.addedDevices().stream().map(d -> Tuple.of(d, welcomeInboxMax)).toList()))
        .mapEmpty();
    return Future.all(epoch, welcomes).map(ids);
  }

  /** The same (channel, epoch, device) always gives the same Welcome id: a replay stores nothing twice. */
  static UUID welcomeId(UUID channel, long epoch, UUID device) {
    return UUID.nameUUIDFromBytes((channel + "/" + epoch + "/" + device).getBytes(StandardCharsets.UTF_8));
  }
}
