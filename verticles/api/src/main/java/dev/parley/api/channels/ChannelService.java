package dev.parley.api.channels;

import dev.parley.shared.Refusal;
import dev.parley.shared.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Creating and reading channels. Memberships are written in both directions (channel → users for fan-out,
 * user → channels for the chat list) in the same transaction as the channel, so neither side can exist alone.
 */
public final class ChannelService {
  private final Pool pg;
  private final MembershipEvents events;
  private final int maxMembers;
  private final Clock clock;

  public ChannelService(Pool pg, MembershipEvents events, int maxMembers, Clock clock) {
    this.pg = pg;
    this.events = events;
    this.maxMembers = maxMembers;
    this.clock = clock;
  }

  /** A created-or-found channel and whether this call created it (201 versus 200). */
  public record Created(JsonObject channel, boolean created) {
  }

  /**
   * The DM channel of the caller and {@code peer}, created on first use. Idempotent under concurrency: the unique
   * {@code dm_key} makes every racing insert but one a no-op, and those then read the winner's channel. A block in
   * either direction refuses a new DM (an existing one is still returned: it is not new).
   */
  public Future<Created> openDm(UUID caller, UUID peer) {
    if (caller.equals(peer)) {
      return Future.failedFuture(new Refusal(ErrorCode.INVALID_FIELD, "userId", "cannot open a DM with yourself"));
    }
    String dmKey = ChannelViews.dmKey(caller, peer);
    OffsetDateTime now = now();
    return pg.withTransaction(conn -> requireUsers(conn, List.of(peer), "userId")
            .compose(v -> findDm(conn, dmKey))
            .compose(existing -> existing != null ? Future.succeededFuture(new Found(existing, false))
                : refuseIfBlocked(conn, caller, List.of(peer)).compose(v -> insertDm(conn, caller, peer, dmKey, now))))
        .compose(found -> {
          if (found.created()) {
            events.publish(found.channelId(), List.of(caller, peer), MembershipEvents.ADDED);
          }
          return view(found.channelId(), caller).map(json -> new Created(json, found.created()));
        });
  }

  /** A group with the caller as admin and {@code memberIds} as members; at most the configured member limit. */
  public Future<JsonObject> createGroup(UUID caller, String name, List<UUID> memberIds) {
    Set<UUID> others = new LinkedHashSet<>(memberIds);
    others.remove(caller);
    if (others.size() + 1 > maxMembers) {
      return Future.failedFuture(new Refusal(ErrorCode.MEMBER_LIMIT_REACHED, "memberIds",
          "a channel has at most " + maxMembers + " members"));
    }
    UUID channelId = UUID.randomUUID();
    OffsetDateTime now = now();
    List<UUID> all = new java.util.ArrayList<>(others);
    all.add(0, caller);
    return pg.withTransaction(conn -> requireUsers(conn, List.copyOf(others), "memberIds")
            .compose(v -> refuseIfBlocked(conn, caller, List.copyOf(others)))
            .compose(v -> conn.preparedQuery("INSERT INTO channels (id, kind, name, created_by, created_at) "
                + "VALUES ($1, 'group', $2, $3, $4)").execute(Tuple.of(channelId, name, caller, now)))
            .compose(v -> insertMembers(conn, channelId, all, caller, now)))
        .compose(v -> {
          events.publish(channelId, all, MembershipEvents.ADDED);
          return view(channelId, caller);
        });
  }

  /** The caller's channels, most recently joined first. */
  public Future<JsonObject> listMine(UUID caller) {
    return pg.preparedQuery("SELECT " + ChannelViews.CHANNEL_COLUMNS + " FROM user_channels uc "
            + "JOIN channels c ON c.id = uc.channel_id "
            + "JOIN channel_members m ON m.channel_id = c.id AND m.user_id = uc.user_id "
            + "WHERE uc.user_id = $1 ORDER BY uc.joined_at DESC, c.id").execute(Tuple.of(caller))
        .map(rows -> {
          JsonArray channels = new JsonArray();
          rows.forEach(row -> channels.add(ChannelViews.channel(row, caller)));
          return new JsonObject().put("channels", channels);
        });
  }

  /** One channel; only its members may read it. */
  public Future<JsonObject> get(UUID caller, UUID channelId) {
    return view(channelId, caller);
  }

  private Future<JsonObject> view(UUID channelId, UUID caller) {
    return pg.preparedQuery(ChannelViews.ONE_CHANNEL).execute(Tuple.of(channelId, caller)).map(rows -> {
      if (rows.size() == 0) {
        throw Refusal.of(ErrorCode.CHANNEL_NOT_FOUND, "no channel " + channelId);
      }
      var row = rows.iterator().next();
      if (row.getString("my_role") == null) {
        throw Refusal.of(ErrorCode.NOT_A_MEMBER, "you are not a member of channel " + channelId);
      }
      return ChannelViews.channel(row, caller);
    });
  }

  private Future<UUID> findDm(SqlConnection conn, String dmKey) {
    return conn.preparedQuery("SELECT id FROM channels WHERE dm_key = $1").execute(Tuple.of(dmKey))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID("id"));
  }

  private Future<Found> insertDm(SqlConnection conn, UUID caller, UUID peer, String dmKey, OffsetDateTime now) {
    UUID channelId = UUID.randomUUID();
    // ON CONFLICT waits for a racing transaction on the same key and then does nothing; the re-read below runs
    // in a new statement snapshot (READ COMMITTED), so it sees the winner's committed channel.
    return conn.preparedQuery("INSERT INTO channels (id, kind, created_by, dm_key, created_at) "
            + "VALUES ($1, 'dm', $2, $3, $4) ON CONFLICT (dm_key) DO NOTHING")
        .execute(Tuple.of(channelId, caller, dmKey, now))
        .compose(rows -> rows.rowCount() == 1
            ? insertMembers(conn, channelId, List.of(caller, peer), null, now).map(new Found(channelId, true))
            : findDm(conn, dmKey).map(id -> new Found(id, false)));
  }

  /** Both directions of the memberships of {@code users}; {@code admin} (may be null) gets the admin role. */
  static Future<Void> insertMembers(SqlConnection conn, UUID channelId, List<UUID> users, UUID admin,
                                    OffsetDateTime now) {
    UUID[] ids = users.toArray(UUID[]::new);
    return conn.preparedQuery("INSERT INTO channel_members (channel_id, user_id, role, joined_at) "
            + "SELECT $1, u, CASE WHEN u = $3 THEN 'admin' ELSE 'member' END, $4 FROM unnest($2::uuid[]) AS u")
        .execute(Tuple.of(channelId, ids, admin, now))
        .compose(v -> conn.preparedQuery("INSERT INTO user_channels (user_id, channel_id, joined_at) "
            + "SELECT u, $1, $3 FROM unnest($2::uuid[]) AS u").execute(Tuple.of(channelId, ids, now)))
        .mapEmpty();
  }

  /** Fails with {@code user_not_found} (naming {@code field}) unless every id is an existing user. */
  static Future<Void> requireUsers(SqlConnection conn, List<UUID> userIds, String field) {
    if (userIds.isEmpty()) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery("SELECT count(*) FROM users WHERE id = ANY($1::uuid[])")
        .execute(Tuple.of((Object) userIds.toArray(UUID[]::new)))
        .compose(rows -> rows.iterator().next().getLong(0) == userIds.size() ? Future.succeededFuture()
            : Future.failedFuture(new Refusal(ErrorCode.USER_NOT_FOUND, field, "unknown user id in '" + field + "'")));
  }

  /** Refuses when any of {@code others} has blocked {@code caller}, or {@code caller} has blocked them. */
  static Future<Void> refuseIfBlocked(SqlConnection conn, UUID caller, List<UUID> others) {
    if (others.isEmpty()) {
      return Future.succeededFuture();
    }
    UUID[] ids = others.toArray(UUID[]::new);
    return conn.preparedQuery("SELECT 1 FROM blocks WHERE (blocker_id = ANY($1::uuid[]) AND blocked_id = $2) "
            + "OR (blocker_id = $2 AND blocked_id = ANY($1::uuid[])) LIMIT 1").execute(Tuple.of(ids, caller))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture()
            : Future.failedFuture(Refusal.of(ErrorCode.BLOCKED, "a block between you and this user prevents it")));
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }

  private record Found(UUID channelId, boolean created) {
  }
}
