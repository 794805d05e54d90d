package dev.parley.message.delivery;

import dev.parley.message.Sequencer.Outcome;
import dev.parley.protocol.Envelope;
import dev.parley.protocol.GatewayDelivery;
import dev.parley.shared.membership.Memberships.MemberDevice;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Delivers one channel's stored messages of a consumer batch (the message rows are the commit point; everything
 * here comes after it), in named steps called in order:
 * <ol>
 *   <li><b>head</b>: the channel's chat head moves to the newest of them, before anything is delivered, so a read
 *       mark sent right after receiving a message is never capped below it; meanwhile <b>members</b> are looked
 *       up (one look-up, cached);</li>
 *   <li><b>sessions</b> of every member device and sender are looked up (one look-up) while the <b>index</b> step
 *       raises the channel in every member's chat list and advances each sender's read cursor (own messages never
 *       count as unread) — it runs after the head, whose seq caps the cursor;</li>
 *   <li><b>views</b>: each online member's {@code chat} frame, read after the index step so it shows the state
 *       after this batch;</li>
 *   <li><b>send</b>: one event-bus send per gateway node carrying every frame for its devices — the {@code ack} to
 *       each sending device, the {@code msg} to every other member device (the sender's other devices too), in seq
 *       order, then the {@code chat} frames;</li>
 *   <li><b>notify</b>: a notification job for each member device without a live session, unless its user muted
 *       the channel.</li>
 * </ol>
 * A retried send (duplicate) gets its {@code ack} again and nobody else a second {@code msg}; the chat steps run for
 * duplicates too (they are idempotent), so a replayed batch never leaves the chat list behind. Failures of the chat
 * steps never fail the delivery: they are logged and the chat state heals on the next message or sync.
 */
public final class Delivery {
  private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

  /** The member devices of the channel, every device to look up and where each live one is connected. */
  private record Recipients(List<MemberDevice> members, Map<UUID, String> nodes) {
  }

  private final Members members;
  private final Sessions sessions;
  private final ChatState chats;
  private final Gateways gateways;
  private final Notifications notifications;
  private final DeliveryMeters meters;

  public Delivery(Members members, Sessions sessions, ChatState chats, Gateways gateways,
                  Notifications notifications, DeliveryMeters meters) {
    this.members = members;
    this.sessions = sessions;
    this.chats = chats;
    this.gateways = gateways;
    this.notifications = notifications;
    this.meters = meters;
  }

  /** Delivers one channel's outcomes of a consumer batch, in seq order (non-empty, all stored). */
  public Future<Void> deliver(List<Outcome> outcomes) {
    meters.batch();
    Envelope newest = newest(outcomes);
    Future<Void> head = head(newest);
    Future<List<MemberDevice>> devices = members(newest.channelId());
    Future<Void> indexed = Future.all(head, devices).compose(v -> index(outcomes, newest, devices.result()));
    Future<Recipients> recipients = devices.compose(list -> sessions(outcomes, list));
    return Future.all(indexed, recipients)
        .compose(v -> views(newest, recipients.result()))
        .compose(views -> send(outcomes, recipients.result(), views));
  }

  private Future<Void> head(Envelope newest) {
    return chats.advanceHead(newest).recover(err -> {
      LOG.warn("channel {} seq {}: chat head update failed: {}", newest.channelId(), newest.seq(), err.toString());
      return Future.succeededFuture();
    });
  }

  private Future<List<MemberDevice>> members(UUID channelId) {
    meters.memberLookup();
    return members.devicesOf(channelId);
  }

  private Future<Recipients> sessions(List<Outcome> outcomes, List<MemberDevice> memberDevices) {
    Set<UUID> devices = new LinkedHashSet<>();
    memberDevices.forEach(m -> devices.add(m.deviceId()));
    outcomes.forEach(o -> devices.add(o.envelope().senderDevice()));
    meters.sessionLookup();
    return sessions.lookup(List.copyOf(devices)).map(nodes -> new Recipients(memberDevices, nodes));
  }

  private Future<Void> index(List<Outcome> outcomes, Envelope newest, List<MemberDevice> memberDevices) {
    Map<UUID, Long> ownNewest = new HashMap<>();
    outcomes.forEach(o -> ownNewest.merge(o.envelope().senderUser(), o.envelope().seq(), Math::max));
    Set<UUID> users = new LinkedHashSet<>();
    memberDevices.forEach(d -> users.add(d.userId()));
    users.addAll(ownNewest.keySet());
    return chats.index(newest.channelId(), users, newest.ts(), ownNewest).recover(err -> {
      LOG.warn("channel {} seq {}: chat index update failed: {}", newest.channelId(), newest.seq(), err.toString());
      return Future.succeededFuture();
    });
  }

  private Future<Map<UUID, JsonObject>> views(Envelope newest, Recipients r) {
    Set<UUID> online = new LinkedHashSet<>();
    r.members().forEach(d -> {
      if (r.nodes().containsKey(d.deviceId())) {
        online.add(d.userId());
      }
    });
    if (online.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return chats.views(newest, online).recover(err -> {
      // The messages still go out; only the chat frames are missing (the chat list over REST has the same).
      LOG.warn("channel {} seq {}: chat views failed: {}", newest.channelId(), newest.seq(), err.toString());
      return Future.succeededFuture(Map.of());
    });
  }

  private Future<Void> send(List<Outcome> outcomes, Recipients r, Map<UUID, JsonObject> views) {
    Map<UUID, String> nodes = r.nodes();
    GatewayDelivery.PerNode perNode = new GatewayDelivery.PerNode();
    List<Envelope> offlineMessages = new ArrayList<>();
    for (Outcome o : outcomes) {
      Envelope env = o.envelope();
      perNode.add(env.ackFrame(), List.of(env.senderDevice()), nodes);
      if (o.duplicate()) {
        continue;
      }
      List<UUID> recipients = new ArrayList<>(r.members().size());
      for (MemberDevice d : r.members()) {
        if (!d.deviceId().equals(env.senderDevice())) {
          recipients.add(d.deviceId());
        }
      }
      perNode.add(env.msgFrame(), recipients, nodes);
      offlineMessages.add(env);
    }
    Map<UUID, List<UUID>> devicesByUser = new LinkedHashMap<>();
    r.members().forEach(d -> devicesByUser.computeIfAbsent(d.userId(), u -> new ArrayList<>()).add(d.deviceId()));
    views.forEach((user, view) -> perNode.add(view, devicesByUser.getOrDefault(user, List.of()), nodes));
    Map<String, GatewayDelivery> deliveries = perNode.build();
    deliveries.forEach(gateways::send);
    meters.sends(deliveries.size());
    return notifyOffline(offlineMessages, r);
  }

  private Future<Void> notifyOffline(List<Envelope> messages, Recipients r) {
    List<MemberDevice> offline = new ArrayList<>();
    r.members().forEach(d -> {
      if (!r.nodes().containsKey(d.deviceId())) {
        offline.add(d);
      }
    });
    if (messages.isEmpty() || offline.isEmpty()) {
      return Future.succeededFuture();
    }
    UUID channelId = messages.get(0).channelId();
    Set<UUID> users = new LinkedHashSet<>();
    r.members().forEach(d -> users.add(d.userId()));
    // One look-up for all members, only when some device is offline: muted members get no push at all.
    return chats.muted(channelId, users).recover(err -> Future.succeededFuture(Set.of())).compose(muted -> {
      List<Future<Void>> jobs = new ArrayList<>();
      for (Envelope env : messages) {
        for (MemberDevice d : offline) {
          if (!d.deviceId().equals(env.senderDevice()) && !muted.contains(d.userId())) {
            jobs.add(notifications.offline(env, d.userId(), d.deviceId()));
          }
        }
      }
      return Future.all(jobs).mapEmpty();
    });
  }

  private static Envelope newest(List<Outcome> outcomes) {
    Envelope newest = outcomes.get(0).envelope();
    for (Outcome o : outcomes) {
      if (o.envelope().seq() > newest.seq()) {
        newest = o.envelope();
      }
    }
    return newest;
  }
}
