package dev.parley.api.channels;

import dev.parley.shared.Refusal;
import dev.parley.shared.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * Members of a channel: list (members only), add (admins), remove (admins) and leave (anyone, themselves). Changes
 * lock the channel row, so the member limit and the "an admin remains" rule hold under concurrent requests.
 * DM memberships are fixed: a DM is always exactly its two users.
 */
public final class MembershipService {
  private final Pool pg;
  private final MembershipEvents events;
  private final int maxMembers;
  private final Clock clock;

  public MembershipService(Pool pg, MembershipEvents events, int maxMembers, Clock clock) {
    this.pg = pg;
    this.events = events;
    this.maxMembers = maxMembers;
    this.clock = clock;
  }

  /**
   * Succeeds when {@code caller} is a member of the channel; otherwise {@code channel_not_found} or
   * {@code not_a_member}, exactly as the other channel routes refuse (other features, e.g. history, use this).
   */
  public Future<Void> requireMember(UUID caller, UUID channelId) {
    return pg.withConnection(conn -> access(conn, channelId, caller, false)).mapEmpty();
  }

  public Future<JsonObject> list(UUID caller, UUID channelId) {
    return pg.withConnection(conn -> access(conn, channelId, caller, false)
        .compose(channel -> conn.preparedQuery("SELECT m.user_id, u.username, u.display_name, m.role, m.joined_at "
            + "FROM channel_members m JOIN users u ON u.id = m.user_id WHERE m.channel_id = $1 "
            // Members created together (a new group) share joined_at: list the admin (creator) first among them.
            + "ORDER BY m.joined_at, m.role = 'admin' DESC, m.user_id").execute(Tuple.of(channelId))))
        .map(rows -> {
          JsonArray members = new JsonArray();
          rows.forEach(row -> members.add(ChannelViews.member(row)));
          return new JsonObject().put("channelId", channelId.toString()).put("members", members);
        });
  }

  /** Adds {@code userId} as a member; only admins may, within the member limit, and not against a block. */
  public Future<JsonObject> add(UUID caller, UUID channelId, UUID userId) {
    OffsetDateTime now = now();
    return pg.withTransaction(conn -> access(conn, channelId, caller, true)
            .compose(channel -> requireGroupAdmin(channel))
            .compose(v -> ChannelService.requireUsers(conn, List.of(userId), "userId"))
            .compose(v -> ChannelService.refuseIfBlocked(conn, caller, List.of(userId)))
            .compose(v -> conn.preparedQuery("SELECT count(*) FROM channel_members WHERE channel_id = $1")
                .execute(Tuple.of(channelId)))
            .compose(rows -> rows.iterator().next().getLong(0) >= maxMembers
                ? Future.failedFuture(Refusal.of(ErrorCode.MEMBER_LIMIT_REACHED,
                    "channel " + channelId + " already has the maximum of " + maxMembers + " members"))
                : conn.preparedQuery("SELECT 1 FROM channel_members WHERE channel_id = $1 AND user_id = $2")
                    .execute(Tuple.of(channelId, userId)))
            .compose(rows -> rows.size() > 0
                ? Future.failedFuture(new Refusal(ErrorCode.ALREADY_MEMBER, "userId", "already a member"))
                : ChannelService.insertMembers(conn, channelId, List.of(userId), null, now))
            .compose(v -> conn.preparedQuery("SELECT m.user_id, u.username, u.display_name, m.role, m.joined_at "
                + "FROM channel_members m JOIN users u ON u.id = m.user_id WHERE m.channel_id = $1 AND m.user_id = $2")
                .execute(Tuple.of(channelId, userId))))
        .map(rows -> {
          events.publish(channelId, List.of(userId), MembershipEvents.ADDED);
          return ChannelViews.member(rows.iterator().next());
        });
  }

  /**
   * Removes {@code userId}: an admin may remove anyone, any member may remove themselves (leave). When the last
   * admin goes, the longest-standing remaining member becomes admin, so a group never becomes unmanageable.
   */
  public Future<Void> remove(UUID caller, UUID channelId, UUID userId) {
    return pg.withTransaction(conn -> access(conn, channelId, caller, true)
            .compose(channel -> {
              if ("dm".equals(channel.kind())) {
                return Future.failedFuture(notAGroup(channelId));
              }
              if (!caller.equals(userId) && !"admin".equals(channel.myRole())) {
                return Future.failedFuture(Refusal.of(ErrorCode.NOT_ADMIN,
                    "only admins of channel " + channelId + " can remove other members"));
              }
              return conn.preparedQuery("DELETE FROM channel_members WHERE channel_id = $1 AND user_id = $2")
                  .execute(Tuple.of(channelId, userId));
            })
            .compose(rows -> rows.rowCount() == 0
                ? Future.failedFuture(Refusal.of(ErrorCode.MEMBER_NOT_FOUND, userId + " is not a member"))
                : conn.preparedQuery("DELETE FROM user_channels WHERE user_id = $1 AND channel_id = $2")
                    .execute(Tuple.of(userId, channelId)))
            .compose(v -> conn.preparedQuery("UPDATE channel_members SET role = 'admin' WHERE channel_id = $1 "
                + "AND user_id = (SELECT user_id FROM channel_members WHERE channel_id = $1 ORDER BY joined_at, user_id "
                + "LIMIT 1) AND NOT EXISTS (SELECT 1 FROM channel_members WHERE channel_id = $1 AND role = 'admin')")
                .execute(Tuple.of(channelId))))
        .onSuccess(v -> events.publish(channelId, List.of(userId), MembershipEvents.REMOVED))
        .mapEmpty();
  }

  /** The channel and the caller's role in it; refuses non-members. {@code lock}: FOR UPDATE of the channel row. */
  private static Future<Access> access(SqlConnection conn, UUID channelId, UUID caller, boolean lock) {
    String lockClause = lock ? " FOR UPDATE OF c" : "";
    return conn.preparedQuery("SELECT c.kind, m.role FROM channels c LEFT JOIN channel_members m "
            + "ON m.channel_id = c.id AND m.user_id = $2 WHERE c.id = $1" + lockClause)
        .execute(Tuple.of(channelId, caller))
        .map(rows -> {
          if (rows.size() == 0) {
            throw Refusal.of(ErrorCode.CHANNEL_NOT_FOUND, "no channel " + channelId);
          }
          Row row = rows.iterator().next();
          if (row.getString("role") == null) {
            throw Refusal.of(ErrorCode.NOT_A_MEMBER, "you are not a member of channel " + channelId);
          }
          return new Access(channelId, row.getString("kind"), row.getString("role"));
        });
  }

  private static Future<Void> requireGroupAdmin(Access channel) {
    if ("dm".equals(channel.kind())) {
      return Future.failedFuture(notAGroup(channel.channelId()));
    }
    if (!"admin".equals(channel.myRole())) {
      return Future.failedFuture(Refusal.of(ErrorCode.NOT_ADMIN,
          "only admins of channel " + channel.channelId() + " can add members"));
    }
    return Future.succeededFuture();
  }

  private static Refusal notAGroup(UUID channelId) {
    return Refusal.of(ErrorCode.NOT_A_GROUP, "channel " + channelId + " is a DM; its members cannot change");
  }

  private OffsetDateTime now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
  }

  private record Access(UUID channelId, String kind, String myRole) {
  }
}
