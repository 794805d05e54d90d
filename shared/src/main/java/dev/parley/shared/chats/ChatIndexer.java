package dev.parley.shared.chats;

import dev.parley.shared.Addresses;
import dev.parley.shared.membership.Memberships;
import dev.parley.shared.membership.Memberships.MemberDevice;
import dev.parley.protocol.Envelope;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The message role's side of the chat list: for each stored message it advances the channel head (before the
 * message is delivered, so a read mark sent right after receiving it is never capped below it), then raises the
 * channel in every member's chat index (pipelined, batches of 500: a 1,000-member group costs two round trips),
 * advances the sender's read cursor (own messages never count as unread) and sends each member's live devices
 * their {@code chat} frame with their own unread count. It also keeps the indexes in step with membership changes.
 * Failures here never fail the message: they are logged, and the index heals on the next message or sync.
 */
public final class ChatIndexer {
  private static final Logger LOG = LoggerFactory.getLogger(ChatIndexer.class);

  private final ChatStore store;
  private final Memberships members;
  private final DevicePush push;
  private final LongSupplier nowMs;

  public ChatIndexer(ChatStore store, Memberships members, DevicePush push, LongSupplier nowMs) {
    this.store = store;
    this.members = members;
    this.push = push;
    this.nowMs = nowMs;
  }

  /** Subscribes to membership changes: a new member's chat appears at the top, a former member's disappears. */
  public Future<Void> listen(Vertx vertx) {
    return vertx.eventBus().<JsonObject>consumer(Addresses.MEMBERSHIP_CHANGED, m -> onMembership(m.body()))
        .completion();
  }

  /**
   * Runs {@code delivery} of newly stored messages of one channel (a consumer batch, or one message) wrapped in the
   * chat updates (see the class comment): one head update (to the newest of them), one index pass and one
   * {@code chat} frame per member for the lot, and each sender's read cursor advanced to its newest message among
   * them.
   */
  public Future<Void> around(List<Envelope> envs, Supplier<Future<Void>> delivery) {
    Envelope newest = envs.get(0);
    for (Envelope e : envs) {
      if (e.seq() > newest.seq()) {
        newest = e;
      }
    }
    Envelope env = newest;
    return store.updateHead(env.channelId(), env.seq(), env.ts(), env.toJson())
        .recover(err -> {
          LOG.warn("channel {} seq {}: chat head update failed: {}", env.channelId(), env.seq(), err.toString());
          return Future.succeededFuture(false);
        })
        .compose(v -> delivery.get().transform(delivered -> afterDelivery(env, envs)
            .recover(err -> {
              LOG.warn("channel {} seq {}: chat index update failed: {}", env.channelId(), env.seq(), err.toString());
              return Future.succeededFuture();
            })
            .compose(x -> delivered.succeeded() ? Future.<Void>succeededFuture()
                : Future.<Void>failedFuture(delivered.cause()))));
  }

  private Future<Void> afterDelivery(Envelope env, List<Envelope> envs) {
    Map<UUID, Long> ownNewest = new HashMap<>();
    envs.forEach(e -> ownNewest.merge(e.senderUser(), e.seq(), Math::max));
    return members.devicesOf(env.channelId()).compose(devices -> {
      Set<UUID> users = new LinkedHashSet<>();
      devices.forEach(d -> users.add(d.userId()));
      users.addAll(ownNewest.keySet());
      List<UUID> deviceIds = new ArrayList<>(devices.size());
      devices.forEach(d -> deviceIds.add(d.deviceId()));
      List<Future<?>> writes = new ArrayList<>(ownNewest.size() + 1);
      writes.add(store.touch(env.channelId(), users, env.ts()));
      ownNewest.forEach((user, seq) -> writes.add(store.markRead(env.channelId(), user, seq)));
      // The session lookup needs none of the writes; the snapshots behind the frames need all of them.
      Future<Map<UUID, String>> online = push.online(deviceIds);
      return Future.all(Future.all(writes), online)
          .compose(v -> frames(env, devices, online.result()));
    });
  }

  private Future<Void> frames(Envelope env, List<MemberDevice> devices, Map<UUID, String> nodes) {
    Map<UUID, List<UUID>> onlineByUser = new HashMap<>();
    for (MemberDevice d : devices) {
      if (nodes.containsKey(d.deviceId())) {
        onlineByUser.computeIfAbsent(d.userId(), u -> new ArrayList<>()).add(d.deviceId());
      }
    }
    if (onlineByUser.isEmpty()) {
      return Future.succeededFuture();
    }
    return store.snapshots(Map.of(env.channelId(), List.copyOf(onlineByUser.keySet()))).map(snap -> {
      ChatStore.ChannelSnapshot s = snap.get(env.channelId());
      // The head may already be past this message (a later one was indexed first): show the newer one.
      ChatStore.Head head = s.head().seq() >= env.seq() ? s.head() : new ChatStore.Head(env.seq(), env.ts(), env.toJson());
      List<DevicePush.Part> parts = new ArrayList<>(onlineByUser.size());
      onlineByUser.forEach((user, ds) -> parts.add(new DevicePush.Part(head.chatFrame(env.channelId(), s.of(user)), ds)));
      push.send(parts, nodes);
      return null;
    });
  }

  private void onMembership(JsonObject body) {
    UUID channelId;
    UUID userId;
    try {
      channelId = UUID.fromString(body.getString("channelId"));
      userId = UUID.fromString(body.getString("userId"));
    } catch (RuntimeException e) {
      return;
    }
    Future<Void> done;
    if ("removed".equals(body.getString("change"))) {
      done = store.unindex(userId, List.of(channelId)).compose(v -> store.forget(channelId, userId));
    } else {
      // A new member starts with everything before joining read (it is not decryptable for them anyway, MLS).
      done = store.touch(channelId, List.of(userId), nowMs.getAsLong())
          .compose(v -> store.head(channelId))
          .compose(head -> store.markRead(channelId, userId, head.seq()))
          .mapEmpty();
    }
    done.onFailure(err -> LOG.warn("channel {} user {}: chat index membership update failed: {}", channelId, userId,
        err.toString()));
  }
}
