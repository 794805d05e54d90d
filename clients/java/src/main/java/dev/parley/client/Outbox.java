package dev.parley.client;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The sends of one device that the server has not acknowledged yet, in send order. Each is (re)transmitted with
 * its original clientMsgId: at once, after every reconnect, when it stayed unacknowledged for
 * {@code resendAfterMs}, and after a {@code rate_limited}/{@code unavailable} error; the server's dedup makes every
 * repeat harmless. Other errors fail the send. Not thread-safe (the client's context only).
 */
final class Outbox {
  private static final class Pending {
    final JsonObject frame;
    final byte[] payload;
    final Promise<Ack> promise = Promise.promise();
    long sentAt;

    Pending(JsonObject frame, byte[] payload) {
      this.frame = frame;
      this.payload = payload;
    }
  }

  private final Vertx vertx;
  private final long resendAfterMs;
  /** Writes a frame on the current socket; false when there is no ready socket. */
  private final Predicate<String> writer;
  private final Map<String, Pending> pending = new LinkedHashMap<>();

  Outbox(Vertx vertx, long resendAfterMs, Predicate<String> writer) {
    this.vertx = vertx;
    this.resendAfterMs = resendAfterMs;
    this.writer = writer;
  }

  int size() {
    return pending.size();
  }

  Future<Ack> send(UUID channelId, String clientMsgId, String kind, byte[] payload) {
    return send(channelId, clientMsgId, kind, payload, null);
  }

  /** {@code extra}: further fields of the send frame (a commit's welcome, groupInfo, ratchetTree), or null. */
  Future<Ack> send(UUID channelId, String clientMsgId, String kind, byte[] payload, JsonObject extra) {
    Pending p = pending.get(clientMsgId);
    if (p == null) {
      JsonObject frame = new JsonObject().put("type", "send").put("channelId", channelId.toString())
          .put("clientMsgId", clientMsgId).put("kind", kind).put("payload", Base64.getEncoder().encodeToString(payload));
      if (extra != null) {
        extra.forEach(e -> frame.put(e.getKey(), e.getValue()));
      }
      p = new Pending(frame, payload);
      pending.put(clientMsgId, p);
    }
    transmit(p);
    return p.promise.future();
  }

  /** After a (re)connect: everything still unacknowledged goes again, in order. */
  void transmitAll() {
    pending.values().forEach(this::transmit);
  }

  void resendStale(long nowMs) {
    pending.values().stream().filter(p -> nowMs - p.sentAt > resendAfterMs).forEach(this::transmit);
  }

  /** Completes the send an ack names; returns the sent message as the device's own, or null for a repeat ack. */
  Message onAck(JsonObject f, UUID userId, UUID deviceId) {
    String clientMsgId = f.getString("clientMsgId");
    Pending p = pending.remove(clientMsgId);
    if (p == null) {
      return null;
    }
    UUID channelId = UUID.fromString(f.getString("channelId"));
    long seq = f.getLong("seq");
    long msgId = Long.parseLong(f.getString("msgId"));
    p.promise.tryComplete(new Ack(channelId, clientMsgId, seq, msgId, f.getLong("ts")));
    return new Message(channelId, seq, msgId, Base64.getDecoder().decode(f.getString("hash")), userId, deviceId,
        clientMsgId, p.frame.getString("kind"), p.payload, f.getLong("ts"), true);
  }

  void onError(JsonObject f) {
    String clientMsgId = f.getString("clientMsgId");
    Pending p = clientMsgId == null ? null : pending.get(clientMsgId);
    if (p == null) {
      return;
    }
    String code = f.getString("code");
    if ("rate_limited".equals(code) || "unavailable".equals(code)) {
      vertx.setTimer(Math.max(50, f.getLong("retryAfterMs", 500L)), t -> transmit(p));
    } else {
      pending.remove(clientMsgId);
      p.promise.tryFail(new SendRefused(f));
    }
  }

  private void transmit(Pending p) {
    if (writer.test(p.frame.encode())) {
      p.sentAt = System.currentTimeMillis();
    }
  }
}
