package dev.parley.message;

import dev.parley.shared.Addresses;
import dev.parley.shared.membership.Memberships;
import dev.parley.shared.message.Envelope;
import dev.parley.shared.session.SessionDirectory;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Delivers a stored message: the {@code ack} to the sending device, the {@code msg} to every other device of every
 * member (the sender's other devices too), one event-bus send per gateway node that holds any of them (looked up
 * in the session directory); a notification job on the notifications topic for each member device without a live
 * session. Event-bus sends are fire-and-forget: a gateway that died loses them, and its devices fill the gap from
 * history on reconnect (the client library does this on its own).
 */
public final class FanOut {
  private final EventBus eventBus;
  private final Memberships memberships;
  private final SessionDirectory sessions;
  private final KafkaProducer<String, String> notifications;
  private final String notificationsTopic;
  private dev.parley.shared.chats.ChatStore chats;

  /** Also skips notification jobs for members who muted the channel (issue 7). */
  public FanOut(EventBus eventBus, Memberships memberships, SessionDirectory sessions,
                KafkaProducer<String, String> notifications, String notificationsTopic,
                dev.parley.shared.chats.ChatStore chats) {
    this(eventBus, memberships, sessions, notifications, notificationsTopic);
    this.chats = chats;
  }

  public FanOut(EventBus eventBus, Memberships memberships, SessionDirectory sessions,
                KafkaProducer<String, String> notifications, String notificationsTopic) {
    this.eventBus = eventBus;
    this.memberships = memberships;
    this.sessions = sessions;
    this.notifications = notifications;
    this.notificationsTopic = notificationsTopic;
  }

  /**
   * Delivery of a channel's outcomes of one consumer batch, in seq order: for a new message the {@code ack} to its
   * sending device and the {@code msg} to every other member device; for a retried send only the {@code ack} again
   * (nobody else gets a second copy). One member lookup (cached), one session lookup and one event-bus send per
   * gateway node for the whole list, with the frames in seq order (a gateway writes them in that order).
   *
   * <p>The lookups (members, sessions) start now; the returned supplier sends the frames. So a caller can overlap
   * the lookups with work that must finish before anything is delivered (the chat head update).
   */
  public Future<Supplier<Future<Void>>> prepare(List<Sequencer.Outcome> outcomes) {
    boolean anyNew = outcomes.stream().anyMatch(o -> !o.duplicate());
    UUID channel = outcomes.get(0).envelope().channelId();
    Future<List<Memberships.MemberDevice>> members = anyNew ? memberships.devicesOf(channel)
        : Future.succeededFuture(List.of());
    return members.compose(list -> {
      Set<UUID> devices = new LinkedHashSet<>();
      Map<UUID, UUID> userOf = new HashMap<>();
      list.forEach(m -> {
        devices.add(m.deviceId());
        userOf.put(m.deviceId(), m.userId());
      });
      outcomes.forEach(o -> devices.add(o.envelope().senderDevice()));
      List<UUID> all = List.copyOf(devices);
      return sessions.lookup(all).map(nodes -> (Supplier<Future<Void>>) () -> send(outcomes, all, nodes, userOf));
    });
  }

  private Future<Void> send(List<Sequencer.Outcome> outcomes, List<UUID> devices, Map<UUID, String> nodes,
                            Map<UUID, UUID> userOf) {
    Map<String, JsonArray> framesByNode = new LinkedHashMap<>();
    List<Future<?>> jobs = new ArrayList<>();
    Future<Set<UUID>> muted = null;
    for (Sequencer.Outcome o : outcomes) {
      Envelope env = o.envelope();
      String senderNode = nodes.get(env.senderDevice());
      if (senderNode != null) {
        framesByNode.computeIfAbsent(senderNode, n -> new JsonArray())
            .add(part(env.ackFrame(), List.of(env.senderDevice())));
      }
      if (o.duplicate()) {
        continue;
      }
      Map<String, List<UUID>> msgByNode = new LinkedHashMap<>();
      for (UUID device : devices) {
        if (device.equals(env.senderDevice())) {
          continue;
        }
        String node = nodes.get(device);
        if (node != null) {
          msgByNode.computeIfAbsent(node, n -> new ArrayList<>()).add(device);
        } else if (userOf.containsKey(device)) {
          if (muted == null) {
            // One HMGET for all members, only when some device is offline: muted members get no push at all.
            muted = chats == null ? Future.succeededFuture(Set.of())
                : chats.mutedAmong(env.channelId(), Set.copyOf(userOf.values())).recover(err -> Future.succeededFuture(Set.of()));
          }
          UUID user = userOf.get(device);
          jobs.add(muted.compose(m -> m.contains(user) ? Future.succeededFuture() : notify(env, user, device)));
        }
      }
      if (!msgByNode.isEmpty()) {
        JsonObject msg = env.msgFrame();
        msgByNode.forEach((node, ds) -> framesByNode.computeIfAbsent(node, n -> new JsonArray()).add(part(msg, ds)));
      }
    }
    framesByNode.forEach((node, frames) ->
        eventBus.send(Addresses.gatewayDeliver(node), new JsonObject().put("frames", frames)));
    return Future.all(jobs).mapEmpty();
  }

  private Future<?> notify(Envelope env, UUID userId, UUID deviceId) {
    // No payload, no plaintext: only what a push needs to say "new message in channel X".
    JsonObject job = new JsonObject().put("type", "message").put("userId", String.valueOf(userId))
        .put("deviceId", deviceId.toString()).put("channelId", env.channelId().toString()).put("seq", env.seq())
        .put("msgId", Long.toString(env.msgId())).put("kind", env.kind()).put("ts", env.ts())
        .put("senderId", env.senderUser().toString());
    return notifications.send(KafkaProducerRecord.create(notificationsTopic, deviceId.toString(), job.encode()));
  }

  private static JsonObject part(JsonObject frame, List<UUID> devices) {
    JsonArray ids = new JsonArray();
    devices.forEach(d -> ids.add(d.toString()));
    return new JsonObject().put("frame", frame).put("devices", ids);
  }
}
