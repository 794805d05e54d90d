package dev.parley.shared.membership;

import dev.parley.shared.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Channel membership as the message path needs it, read from Postgres ({@code channel_members}, {@code devices})
 * and cached per node for {@code ttlMs}. A {@link Addresses#MEMBERSHIP_CHANGED} publish drops the channel's
 * entries at once; the TTL bounds staleness for changes nobody announced (e.g. a device added to a user).
 * Not thread-safe: use from the event loop of the verticle that owns it.
 */
public final class Memberships {
  private static final int MAX_ENTRIES = 100_000;

  /** A device of a channel member. */
  public record MemberDevice(UUID userId, UUID deviceId) {
  }

  private record Cached<T>(T value, long expiresAt) {
  }

  private final Pool pg;
  private final long ttlMs;
  private final LongSupplier nowMs;
  private final Map<String, Cached<Boolean>> members = lru();
  private final Map<UUID, Cached<List<MemberDevice>>> devices = lru();

  public Memberships(Pool pg, long ttlMs, LongSupplier nowMs) {
    this.pg = pg;
    this.ttlMs = ttlMs;
    this.nowMs = nowMs;
  }

  /** Subscribes to membership-change publishes; the returned consumer's completion means it is registered. */
  public Future<Void> listen(Vertx vertx) {
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.MEMBERSHIP_CHANGED,
        msg -> invalidate(msg.body().getString("channelId")));
    return consumer.completion();
  }

  public void invalidate(String channelId) {
    if (channelId == null) {
      return;
    }
    members.keySet().removeIf(k -> k.startsWith(channelId));
    try {
      devices.remove(UUID.fromString(channelId));
    } catch (IllegalArgumentException ignored) {
      // not a channel id: nothing of ours to drop
    }
  }

  public Future<Boolean> isMember(UUID channelId, UUID userId) {
    String key = channelId + ":" + userId;
    Cached<Boolean> hit = members.get(key);
    long now = nowMs.getAsLong();
    if (hit != null && hit.expiresAt() > now) {
      return Future.succeededFuture(hit.value());
    }
    return pg.preparedQuery("SELECT 1 FROM channel_members WHERE channel_id = $1 AND user_id = $2")
        .execute(Tuple.of(channelId, userId))
        .map(rows -> {
          boolean member = rows.size() > 0;
          members.put(key, new Cached<>(member, now + ttlMs));
          return member;
        });
  }

  /** Every non-revoked device of every member of the channel. */
  public Future<List<MemberDevice>> devicesOf(UUID channelId) {
    Cached<List<MemberDevice>> hit = devices.get(channelId);
    long now = nowMs.getAsLong();
    if (hit != null && hit.expiresAt() > now) {
      return Future.succeededFuture(hit.value());
    }
    return pg.preparedQuery("SELECT d.user_id, d.id FROM channel_members m JOIN devices d ON d.user_id = m.user_id "
            + "WHERE m.channel_id = $1 AND d.revoked_at IS NULL")
        .execute(Tuple.of(channelId))
        .map(rows -> {
          List<MemberDevice> list = new ArrayList<>(rows.size());
          for (Row row : rows) {
            list.add(new MemberDevice(row.getUUID(0), row.getUUID(1)));
          }
          List<MemberDevice> value = List.copyOf(list);
          devices.put(channelId, new Cached<>(value, now + ttlMs));
          return value;
        });
  }

  private static <K, V> Map<K, V> lru() {
    return new LinkedHashMap<>(1_024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > MAX_ENTRIES;
      }
    };
  }

  /**
   * Which of {@code others} share at least one channel with {@code user} (the rule for seeing someone's presence).
   * One query, not cached.
   */
  public static Future<Set<UUID>> sharingAChannel(Pool pg, UUID user, Collection<UUID> others) {
    if (others.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    return pg.preparedQuery("SELECT DISTINCT cm.user_id FROM user_channels uc "
            + "JOIN channel_members cm ON cm.channel_id = uc.channel_id WHERE uc.user_id = $1 AND cm.user_id = ANY($2)")
        .execute(Tuple.tuple().addUUID(user).addArrayOfUUID(others.toArray(UUID[]::new)))
        .map(rows -> {
          Set<UUID> shared = new LinkedHashSet<>();
          for (Row row : rows) {
            shared.add(row.getUUID("user_id"));
          }
          return shared;
        });
  }
}
