package dev.parley.shared.deps;

import dev.parley.shared.config.ParleyConfig;

import java.util.HashMap;
import java.util.Map;

/** Kafka client settings of the message path, in one place so producers and consumers agree on them. */
public final class KafkaClientConfig {
  private KafkaClientConfig() {
  }

  /**
   * An idempotent producer with acks=all: a record the broker acknowledged is on every in-sync replica, and the
   * producer's own retries never duplicate or reorder records of a partition.
   */
  public static Map<String, String> producer(ParleyConfig.KafkaConfig kafka, String clientId) {
    Map<String, String> p = new HashMap<>();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("client.id", clientId);
    p.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    p.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    p.put("max.in.flight.requests.per.connection", "5");
    p.put("linger.ms", "1");
    p.put("delivery.timeout.ms", "10000");
    p.put("request.timeout.ms", "5000");
    p.put("max.block.ms", "5000");
    p.put("max.request.size", "2097152");
    return p;
  }

  /** A group member with manual commits: offsets move only after the records are stored. */
  public static Map<String, String> consumer(ParleyConfig.KafkaConfig kafka, String groupId, String clientId,
                                             int maxPollRecords) {
    Map<String, String> p = new HashMap<>();
    p.put("bootstrap.servers", kafka.bootstrapServers());
    p.put("group.id", groupId);
    p.put("client.id", clientId);
    p.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    p.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    p.put("enable.auto.commit", "false");
    p.put("auto.offset.reset", "earliest");
    p.put("max.poll.records", String.valueOf(maxPollRecords));
    // A killed consumer's partitions move to a live one within seconds, not the 45 s default; heartbeats at a
    // quarter of it, so one lost heartbeat never costs the membership.
    p.put("session.timeout.ms", String.valueOf(kafka.consumerSessionTimeoutMs()));
    p.put("heartbeat.interval.ms", String.valueOf(Math.max(250, kafka.consumerSessionTimeoutMs() / 4)));
    return p;
  }
}
