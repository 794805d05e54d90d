package dev.parley.message.delivery;

import dev.parley.protocol.Envelope;
import io.vertx.core.Future;

import java.util.UUID;

/** Queues a notification job for a member device without a live session (a Kafka record in production). */
@FunctionalInterface
public interface Notifications {
  Future<Void> offline(Envelope message, UUID userId, UUID deviceId);
}
