package dev.parley.api.channels;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.util.UUID;

/** SQL fragments and the JSON shapes of channels and members, shared by the channel services. */
final class ChannelViews {
  /** Columns of a channel as seen by user $2 (my_role null = not a member). */
  static final String CHANNEL_COLUMNS = "c.id, c.kind, c.name, c.created_by, c.dm_key, c.created_at, m.role AS my_role, "
      + "(SELECT count(*) FROM channel_members x WHERE x.channel_id = c.id) AS member_count";

  static final String ONE_CHANNEL = "SELECT " + CHANNEL_COLUMNS + " FROM channels c "
      + "LEFT JOIN channel_members m ON m.channel_id = c.id AND m.user_id = $2 WHERE c.id = $1";

  private ChannelViews() {
  }

  /** The canonical key of a DM pair: the same two users give the same key in either order. */
  static String dmKey(UUID a, UUID b) {
    String x = a.toString();
    String y = b.toString();
    return x.compareTo(y) < 0 ? x + ":" + y : y + ":" + x;
  }

  static JsonObject channel(Row row, UUID viewer) {
    JsonObject json = new JsonObject().put("channelId", row.getUUID("id").toString()).put("kind", row.getString("kind"))
        .put("name", row.getString("name")).put("createdBy", row.getUUID("created_by").toString())
        .put("createdAt", row.getOffsetDateTime("created_at").toInstant().toString())
        .put("memberCount", row.getLong("member_count")).put("myRole", row.getString("my_role"));
    String dmKey = row.getString("dm_key");
    if (dmKey != null) {
      String me = viewer.toString();
      String[] pair = dmKey.split(":");
      json.put("peerUserId", pair[0].equals(me) ? pair[1] : pair[0]);
    }
    return json;
  }

  static JsonObject member(Row row) {
    return new JsonObject().put("userId", row.getUUID("user_id").toString()).put("username", row.getString("username"))
        .put("displayName", row.getString("display_name")).put("role", row.getString("role"))
        .put("joinedAt", row.getOffsetDateTime("joined_at").toInstant().toString());
  }
}
