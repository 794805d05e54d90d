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
 * duplicates too (they are idempotent), so a replayed batch never leaves the chat list behind.
 *
 * <p>A failed chat step (head, index or views: Redis) never holds back the {@code ack}s and {@code msg}s, but it is
 * not forgotten either: the batch's chat steps are <em>repaired</em> — run again after growing pauses (from
 * {@link #REPAIR_FIRST_DELAY_MS}, for up to {@link #REPAIR_GIVE_UP_MS}) — and the {@code chat} frames go out when
 * they succeed. Nothing else would ever send them (a client fills missed {@code msg}s from history, but has no way
 * to learn that its chat list is behind), and the stored head, index and sender cursor would stay behind until the
 * channel's next message (issue 12, fault C).
 */
public final class Delivery {
  private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

  static final long REPAIR_FIRST_DELAY_MS = 250;
  static final long REPAIR_MAX_DELAY_MS = 5_000;
  static final long REPAIR_GIVE_UP_MS = 120_000;

  /** Completes after {@code delayMs} (a Vert.x timer in production; at once in unit tests). */
  @FunctionalInterface
  public interface Pause {
    Future<Void> after(long delayMs);
  }

  /** The member devices of the channel, every device to look up and where each live one is connected. */
  private record Recipients(List<MemberDevice> members, Map<UUID, String> nodes) {
  }

  private final Members members;
  private final Sessions sessions;
  private final ChatState chats;
  private final Gateways gateways;
  private final Notifications notifications;
  private final DeliveryMeters meters;
  private final Pause pause;

  public Delivery(Members members, Sessions sessions, ChatState chats, Gateways gateways,
                  Notifications notifications, DeliveryMeters meters, Pause pause) {
    this.members = members;
    this.sessions = sessions;
    this.chats = chats;
    this.gateways = gateways;
    this.notifications = notifications;
    this.meters = meters;
    this.pause = pause;
  }

  /** Delivers one channel's outcomes of a consumer batch, in seq order (non-empty, all stored). */
  public Future<Void> deliver(List<Outcome> outcomes) {
    meters.batch();
    Envelope newest = newest(outcomes);
    Future<Void> head = chats.advanceHead(newest);
    Future<List<MemberDevice>> devices = members(newest.channelId());
    // The index runs after the head even when the head failed: the sender's cursor is capped by whatever head is
    // stored, and the repair below runs both again.
    Future<Void> indexed = head.transform(h -> devices)
        .compose(list -> index(outcomes, newest, list));
    Future<Recipients> recipients = devices.compose(list -> sessions(outcomes, list));
    return Future.join(indexed, recipients).transform(v -> recipients.failed() ? Future.failedFuture(recipients.cause())
        : Future.succeededFuture(recipients.result())).compose(r -> {
          Future<Map<UUID, JsonObject>> views = head.succeeded() && indexed.succeeded() ? views(newest, r)
              : Future.failedFuture(head.failed() ? head.cause() : indexed.cause());
          return views.transform(ar -> {
            Future<Void> sent = send(outcomes, r, ar.succeeded() ? ar.result() : Map.of());
            if (ar.failed()) {
              LOG.warn("channel {} seq {}: chat steps failed ({}); messages went out, chat frames once repaired",
                  newest.channelId(), newest.seq(), ar.cause().toString());
              repair(outcomes, newest, r, REPAIR_FIRST_DELAY_MS, 0);
            }
            return sent;
          });
        });
  }

  /**
   * Runs the chat steps of a batch whose chat steps failed again after {@code delayMs}, doubling the pause up to
   * {@link #REPAIR_MAX_DELAY_MS}, and sends its {@code chat} frames when they succeed; gives up (logged) after
   * {@link #REPAIR_GIVE_UP_MS}. Every step is idempotent, so a repair that races a later batch is harmless: the
   * stored state only moves forward, and clients keep the highest {@code lastSeq} they have seen.
   */
  private void repair(List<Outcome> outcomes, Envelope newest, Recipients r, long delayMs, long waitedMs) {
    meters.chatRepair();
    pause.after(delayMs)
        .compose(v -> chats.advanceHead(newest))
        .compose(v -> index(outcomes, newest, r.members()))
        .compose(v -> views(newest, r))
        .onSuccess(views -> {
          GatewayDelivery.PerNode perNode = new GatewayDelivery.PerNode();
          addChatFrames(perNode, r, views);
          perNode.build().forEach(gateways::send);
          LOG.info("channel {} seq {}: chat steps repaired after {} ms", newest.channelId(), newest.seq(),
              waitedMs + delayMs);
        })
        .onFailure(err -> {
          long waited = waitedMs + delayMs;
          if (waited >= REPAIR_GIVE_UP_MS) {
            LOG.error("channel {} seq {}: chat steps still failing after {} ms, giving up (the channel's next message "
                + "repairs its chat list): {}", newest.channelId(), newest.seq(), waited, err.toString());
            return;
          }
          repair(outcomes, newest, r, Math.min(delayMs * 2, REPAIR_MAX_DELAY_MS), waited);
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
    return chats.index(newest.channelId(), users, newest.ts(), ownNewest);
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
    return chats.views(newest, online);
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
    addChatFrames(perNode, r, views);
    Map<String, GatewayDelivery> deliveries = perNode.build();
    deliveries.forEach(gateways::send);
    meters.sends(deliveries.size());
    return notifyOffline(offlineMessages, r);
  }

  private static void addChatFrames(GatewayDelivery.PerNode perNode, Recipients r, Map<UUID, JsonObject> views) {
    Map<UUID, List<UUID>> devicesByUser = new LinkedHashMap<>();
    r.members().forEach(d -> devicesByUser.computeIfAbsent(d.userId(), u -> new ArrayList<>()).add(d.deviceId()));
    views.forEach((user, view) -> perNode.add(view, devicesByUser.getOrDefault(user, List.of()), r.nodes()));
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
