package dev.parley.gateway;

import dev.parley.protocol.SendRecord;
import dev.parley.protocol.SessionFrames;
import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import dev.parley.shared.membership.Memberships;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.LongSupplier;

/**
 * Handles the frames a client sends (docs/protocol.md): {@code hello} → {@code ready}, {@code ping} → {@code pong},
 * {@code send} → checks (rate, shape, size, membership) then produce to the message log; anything else is refused
 * with an {@code error} frame and the socket stays open. The {@code ack} comes later from the message role.
 */
final class FrameHandler {
  private static final Logger LOG = LoggerFactory.getLogger(FrameHandler.class);

  private final Memberships memberships;
  private final KafkaProducer<String, String> producer;
  private final String topic;
  private final String nodeId;
  private final int maxPayloadBytes;
  private final LongSupplier nowMs;
  private final ChatFrameHandler chatFrames;
  private final PresenceFrameHandler presenceFrames;
  private final TokenExpiry tokenExpiry;
  private final SendFrames.CommitLimits commitLimits;

  FrameHandler(Memberships memberships, KafkaProducer<String, String> producer, String topic, String nodeId,
               int maxPayloadBytes, LongSupplier nowMs, ChatFrameHandler chatFrames,
               PresenceFrameHandler presenceFrames, TokenExpiry tokenExpiry, SendFrames.CommitLimits commitLimits) {
    this.tokenExpiry = tokenExpiry;
    this.commitLimits = commitLimits;
    this.memberships = memberships;
    this.producer = producer;
    this.topic = topic;
    this.nodeId = nodeId;
    this.maxPayloadBytes = maxPayloadBytes;
    this.nowMs = nowMs;
    this.chatFrames = chatFrames;
    this.presenceFrames = presenceFrames;
  }

  /**
   * The {@code ready} frame; {@code heartbeatIntervalMs} null leaves it out (the answer to {@code hello}), and so
   * does {@code push} null (only the {@code ready} sent at connect carries the push state read then).
   */
  JsonObject ready(Session s, Long heartbeatIntervalMs, String push) {
    return SessionFrames.ready(s.userId, s.deviceId, s.sessionId, nodeId, maxPayloadBytes, heartbeatIntervalMs,
        push);
  }

  void onText(Session s, String text) {
    JsonObject frame;
    try {
      frame = ErrorFrames.parse(text);
    } catch (Refusal r) {
      s.write(ErrorFrames.of(r));
      return;
    }
    Object type = frame.getValue("type");
    if (!(type instanceof String t)) {
      s.write(ErrorFrames.of(ErrorCode.MALFORMED_FRAME, "a frame needs a string 'type'"));
      return;
    }
    switch (t) {
      case "hello" -> s.write(ready(s, null, null));
      case "auth" -> tokenExpiry.onFrame(s, frame);
      case "ping" -> s.write(SessionFrames.pong(frame.getValue("id")));
      case "send" -> onSend(s, frame);
      case "read", "delivered", "typing" -> chatFrames.onFrame(s, t, frame);
      case "presence.subscribe", "presence.unsubscribe" -> presenceFrames.onFrame(s, t, frame);
      default -> s.write(ErrorFrames.of(ErrorCode.UNKNOWN_TYPE, "unknown frame type '" + t + "'"));
    }
  }

  void onBinary(Session s) {
    s.write(ErrorFrames.of(ErrorCode.MALFORMED_FRAME, "binary frames are not part of the protocol"));
  }

  private void onSend(Session s, JsonObject frame) {
    long now = nowMs.getAsLong();
    if (!s.sends.tryTake(now)) {
      s.write(ErrorFrames.echo(ErrorFrames.of(ErrorCode.RATE_LIMITED, "send rate limit exceeded"), frame, "clientMsgId")
          .put("retryAfterMs", s.sends.msUntilNext(now)));
      return;
    }
    SendFrames.Send send;
    try {
      send = SendFrames.parse(frame, maxPayloadBytes, commitLimits);
    } catch (Refusal r) {
      // The clientMsgId as received, even when it is what was refused, so the client can match the error.
      s.write(ErrorFrames.echo(ErrorFrames.of(r), frame, "clientMsgId"));
      return;
    }
    // One device's sends reach the log in the order it sent them: each waits for the previous one's membership
    // check and hand-over to the producer (not for Kafka's ack), so an uncached check cannot overtake a cached one.
    Promise<Void> produced = Promise.promise();
    s.sendOrder = s.sendOrder.compose(v -> memberships.isMember(send.channelId(), s.userId))
        .map(member -> {
          if (!member) {
            throw new Refusal(ErrorCode.NOT_A_MEMBER, "channelId", "you are not a member of this channel");
          }
          produce(s, send).onComplete(produced);
          return (Void) null;
        })
        .onFailure(produced::tryFail)
        .recover(err -> Future.succeededFuture());
    produced.future().onFailure(err -> {
      if (err instanceof Refusal r) {
        s.write(ErrorFrames.of(r).put("clientMsgId", send.clientMsgId()));
      } else {
        LOG.warn("device {}: send {} to channel {} not accepted: {}", s.deviceId, send.clientMsgId(),
            send.channelId(), err.toString());
        s.write(ErrorFrames.of(ErrorCode.UNAVAILABLE, "send not accepted, retry with the same clientMsgId")
            .put("clientMsgId", send.clientMsgId()));
      }
    });
  }

  private Future<Void> produce(Session s, SendFrames.Send send) {
    SendRecord record = new SendRecord(send.channelId(), s.userId, s.deviceId, send.clientMsgId(), send.kind(),
        send.payload(), nodeId, nowMs.getAsLong(), send.commitParts());
    return producer.send(KafkaProducerRecord.create(topic, send.channelId().toString(), record.toJson().encode()))
        .mapEmpty();
  }
}
