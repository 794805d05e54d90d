package dev.parley.message.delivery;

import dev.parley.protocol.Envelope;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;

import java.util.UUID;

/** {@link Notifications} as records on the notifications topic, keyed by device (the push role consumes them). */
public final class KafkaNotifications implements Notifications {
  private final KafkaProducer<String, String> producer;
  private final String topic;

  public KafkaNotifications(KafkaProducer<String, String> producer, String topic) {
    this.producer = producer;
    this.topic = topic;
  }

  @Override
  public Future<Void> offline(Envelope env, UUID userId, UUID deviceId) {
    // No payload, no plaintext: only what a push needs to say "new message in channel X".
    JsonObject job = new JsonObject().put("type", "message").put("userId", userId.toString())
        .put("deviceId", deviceId.toString()).put("channelId", env.channelId().toString()).put("seq", env.seq())
        .put("msgId", Long.toString(env.msgId())).put("kind", env.kind()).put("ts", env.ts());
    return producer.send(KafkaProducerRecord.create(topic, deviceId.toString(), job.encode())).mapEmpty();
  }
}
