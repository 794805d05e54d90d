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
import java.util.HashMap;
import java.util.HashSet;
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
 * entries at once. A {@link Addresses#SESSION_OPENED} publish (a gateway accepted a device, before its {@code ready})
 * of a device that a cached channel's member list lacks, while its user is a member there, drops that channel's
 * device list too: a new device of a member hears every message from its first session on, not after the TTL
 * (issue 12). The TTL bounds staleness for anything else nobody announced.
 * Not thread-safe: use from the event loop of the verticle that owns it.
 */
public final class Memberships {
  private static final int MAX_ENTRIES = 100_000;

  /** A device of a channel member. */
  public record MemberDevice(UUID userId, UUID deviceId) {
  }

  private record Cached<T>(T value, long expiresAt) {
  }

  /** A channel's member devices, and every member user (members without a device too). */
  private record ChannelDevices(List<MemberDevice> devices, Set<UUID> users) {
  }

  private final Pool pg;
  private final long ttlMs;
  private final LongSupplier nowMs;
  private final Map<String, Cached<Boolean>> members = lru();
  /** Channels whose device lists are cached, by member user: which entries a new device of that user outdates. */
  private final Map<UUID, Set<UUID>> cachedChannelsByUser = new HashMap<>();
  private final Map<UUID, Cached<ChannelDevices>> devices = new LinkedHashMap<>(1_024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<UUID, Cached<ChannelDevices>> eldest) {
      if (size() > MAX_ENTRIES) {
        unindex(eldest.getKey(), eldest.getValue());
        return true;
      }
      return false;
    }
  };

  public Memberships(Pool pg, long ttlMs, LongSupplier nowMs) {
    this.pg = pg;
    this.ttlMs = ttlMs;
    this.nowMs = nowMs;
  }

  /** Subscribes to membership-change publishes; the returned consumer's completion means it is registered. */
  public Future<Void> listen(Vertx vertx) {
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.MEMBERSHIP_CHANGED,
        msg -> invalidate(msg.body().getString("channelId")));
    MessageConsumer<JsonObject> sessions = vertx.eventBus().consumer(Addresses.SESSION_OPENED,
        msg -> sessionOpened(msg.body().getString("userId"), msg.body().getString("deviceId")));
    return Future.all(consumer.completion(), sessions.completion()).mapEmpty();
  }

  /** Drops the device lists of the user's cached channels that do not list {@code deviceId} yet. */
  public void sessionOpened(String userId, String deviceId) {
    UUID user;
    UUID device;
    try {
      user = UUID.fromString(userId);
      device = UUID.fromString(deviceId);
    } catch (IllegalArgumentException | NullPointerException e) {
      return; // an older gateway's publish without userId: the TTL covers it
    }
    Set<UUID> channels = cachedChannelsByUser.get(user);
    if (channels == null) {
      return;
    }
    for (UUID channel : List.copyOf(channels)) {
      Cached<ChannelDevices> hit = devices.get(channel);
      if (hit == null) {
        channels.remove(channel);
      } else if (hit.value().devices().stream().noneMatch(d -> d.deviceId().equals(device))) {
        dropDevices(channel);
      }
    }
  }

  private void dropDevices(UUID channel) {
    Cached<ChannelDevices> removed = devices.remove(channel);
    if (removed != null) {
      unindex(channel, removed);
    }
  }

  private void unindex(UUID channel, Cached<ChannelDevices> entry) {
    for (UUID user : entry.value().users()) {
      Set<UUID> channels = cachedChannelsByUser.get(user);
      if (channels != null && channels.remove(channel) && channels.isEmpty()) {
        cachedChannelsByUser.remove(user);
      }
    }
  }

  public void invalidate(String channelId) {
    if (channelId == null) {
      return;
    }
    members.keySet().removeIf(k -> k.startsWith(channelId));
    try {
      dropDevices(UUID.fromString(channelId));
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
    Cached<ChannelDevices> hit = devices.get(channelId);
    long now = nowMs.getAsLong();
    if (hit != null && hit.expiresAt() > now) {
      return Future.succeededFuture(hit.value().devices());
    }
    // LEFT JOIN: members without a device are listed too, so their first device's session finds the entry.
    return pg.preparedQuery("SELECT m.user_id, d.id FROM channel_members m LEFT JOIN devices d "
            + "ON d.user_id = m.user_id AND d.revoked_at IS NULL WHERE m.channel_id = $1")
        .execute(Tuple.of(channelId))
        .map(rows -> {
          List<MemberDevice> list = new ArrayList<>(rows.size());
          Set<UUID> users = new HashSet<>();
          for (Row row : rows) {
            users.add(row.getUUID(0));
            if (row.getUUID(1) != null) {
              list.add(new MemberDevice(row.getUUID(0), row.getUUID(1)));
            }
          }
          ChannelDevices value = new ChannelDevices(List.copyOf(list), Set.copyOf(users));
          dropDevices(channelId);
          devices.put(channelId, new Cached<>(value, now + ttlMs));
          users.forEach(u -> cachedChannelsByUser.computeIfAbsent(u, k -> new HashSet<>()).add(channelId));
          return value.devices();
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
