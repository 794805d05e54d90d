package dev.parley.api.chats;

import dev.parley.shared.Refusal;
import dev.parley.shared.ErrorCode;
import dev.parley.protocol.ChatFrames;
import dev.parley.chatstate.ChatStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chat list: the caller's channels newest first by the time of each one's latest message (or of joining, before
 * any message), cursor-paginated. A page costs one Lua call on the caller's sorted set, one PostgreSQL query for the
 * page's channels (it also proves membership: entries of channels the caller left are dropped and unindexed), and
 * one pipelined Redis round trip for the heads and states — independent of how many channels the caller has.
 */
public final class ChatListService {
  static final int DEFAULT_LIMIT = 50;
  private static final Pattern CURSOR = Pattern.compile("(\\d{1,16})_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})");
  private static final String CHANNELS = "SELECT c.id, c.kind, c.name, c.dm_key, "
      + "(SELECT count(*) FROM channel_members x WHERE x.channel_id = c.id) AS member_count "
      + "FROM channel_members m JOIN channels c ON c.id = m.channel_id "
      + "WHERE m.user_id = $1 AND m.channel_id = ANY($2::uuid[])";

  private final Pool pg;
  private final ChatStore store;
  private final int syncSeconds;
  private final int maxPageSize;

  public ChatListService(Pool pg, ChatStore store, int syncSeconds, int maxPageSize) {
    this.pg = pg;
    this.store = store;
    this.syncSeconds = syncSeconds;
    this.maxPageSize = maxPageSize;
  }

  public int maxPageSize() {
    return maxPageSize;
  }

  /** A page: {@code {chats:[…], nextCursor}}; {@code nextCursor} is null on the last page. */
  public Future<JsonObject> list(UUID user, String cursor, int limit) {
    ChatStore.IndexEntry after = parseCursor(cursor);
    return store.index().pageAndSynced(user, after, limit)
        .compose(page -> page.synced() ? Future.succeededFuture(page.entries())
            : sync(user).compose(v -> store.index().page(user, after, limit)))
        .compose(entries -> {
          List<UUID> ids = entries.stream().map(ChatStore.IndexEntry::channelId).toList();
          return items(user, ids).map(items -> {
            Set<UUID> stale = new HashSet<>(ids);
            stale.removeAll(items.keySet());
            if (!stale.isEmpty()) {
              store.index().unindex(user, stale);
            }
            JsonArray chats = new JsonArray();
            for (ChatStore.IndexEntry e : entries) {
              JsonObject item = items.get(e.channelId());
              if (item != null) {
                chats.add(item);
              }
            }
            ChatStore.IndexEntry last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
            return new JsonObject().put("chats", chats)
                .put("nextCursor", entries.size() < limit ? null : last.score() + "_" + last.channelId());
          });
        });
  }

  /** One chat as in the list; refuses non-members. */
  public Future<JsonObject> one(UUID user, UUID channelId) {
    return items(user, List.of(channelId)).map(items -> {
      JsonObject item = items.get(channelId);
      if (item == null) {
        throw Refusal.of(ErrorCode.NOT_A_MEMBER, "you are not a member of channel " + channelId);
      }
      return item;
    });
  }

  static ChatStore.IndexEntry parseCursor(String cursor) {
    if (cursor == null) {
      return null;
    }
    Matcher m = CURSOR.matcher(cursor);
    if (!m.matches()) {
      throw new Refusal(ErrorCode.BAD_REQUEST, "cursor", "cursor must be a nextCursor value from a previous page");
    }
    return new ChatStore.IndexEntry(UUID.fromString(m.group(2)), Long.parseLong(m.group(1)));
  }

  /** Reconciles the user's index with their memberships (first list, then once per sync period). */
  private Future<Void> sync(UUID user) {
    return pg.preparedQuery("SELECT channel_id, joined_at FROM user_channels WHERE user_id = $1")
        .execute(Tuple.of(user))
        .compose(rows -> {
          Map<UUID, Long> joined = new HashMap<>();
          rows.forEach(r -> joined.put(r.getUUID(0), r.getOffsetDateTime(1).toInstant().toEpochMilli()));
          return store.index().sync(user, joined, syncSeconds);
        });
  }

  private record Meta(UUID channelId, String kind, String name, long memberCount, UUID peer) {
  }

  private Future<Map<UUID, JsonObject>> items(UUID user, List<UUID> channelIds) {
    if (channelIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return pg.preparedQuery(CHANNELS).execute(Tuple.tuple().addUUID(user).addArrayOfUUID(channelIds.toArray(UUID[]::new)))
        .compose(rows -> {
      Map<UUID, Meta> metas = new LinkedHashMap<>();
      Map<UUID, List<UUID>> stateUsers = new LinkedHashMap<>();
      Set<UUID> people = new HashSet<>();
      people.add(user);
      for (Row r : rows) {
        Meta meta = new Meta(r.getUUID("id"), r.getString("kind"), r.getString("name"), r.getLong("member_count"),
            peer(r.getString("dm_key"), user));
        metas.put(meta.channelId(), meta);
        stateUsers.put(meta.channelId(), meta.peer() == null ? List.of(user) : List.of(user, meta.peer()));
        if (meta.peer() != null) {
          people.add(meta.peer());
        }
      }
      return store.snapshots().snapshots(stateUsers, people).map(snapshot -> {
        Map<UUID, ChatStore.ChannelSnapshot> snaps = snapshot.channels();
        Set<UUID> off = snapshot.receiptsOff();
        Map<UUID, JsonObject> out = new HashMap<>();
        metas.forEach((id, meta) -> out.put(id, item(user, meta, snaps.get(id), off)));
        return out;
      });
    });
  }

  private static JsonObject item(UUID user, Meta meta, ChatStore.ChannelSnapshot snap, Set<UUID> receiptsOff) {
    ChatStore.Head head = snap.head();
    ChatStore.MemberState mine = snap.of(user);
    JsonObject item = new JsonObject().put("channelId", meta.channelId().toString()).put("kind", meta.kind())
        .put("name", meta.name()).put("memberCount", meta.memberCount())
        .put("lastSeq", head.seq()).put("ts", head.ts()).put("lastMessage", head.envelope())
        .put("readSeq", Math.min(mine.readSeq(), head.seq())).put("unread", ChatFrames.unread(head.seq(), mine.readSeq()))
        .put("markedUnread", mine.markedUnread()).put("muted", mine.muted());
    if (meta.peer() != null) {
      ChatStore.MemberState peer = snap.of(meta.peer());
      item.put("peerUserId", meta.peer().toString()).put("peerDeliveredSeq", peer.deliveredSeq());
      // Read receipts are mutual: shown only when both sides allow them.
      if (!receiptsOff.contains(user) && !receiptsOff.contains(meta.peer())) {
        item.put("peerReadSeq", Math.min(peer.readSeq(), head.seq()));
      }
    }
    return item;
  }

  private static UUID peer(String dmKey, UUID user) {
    if (dmKey == null) {
      return null;
    }
    String[] pair = dmKey.split(":");
    return UUID.fromString(pair[0].equals(user.toString()) ? pair[1] : pair[0]);
  }

}
