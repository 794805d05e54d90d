package dev.parley.shared.schema;

import dev.parley.shared.config.ParleyConfig;
import io.vertx.core.Future;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import io.vertx.kafka.admin.TopicDescription;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Creates Parley's Kafka topics with explicit partition counts and verifies existing ones. A topic with fewer
 * partitions than configured is an error, not something to "fix" here: adding partitions re-maps channel keys
 * to partitions and would break per-channel ordering during the change, so it is an operator's decision.
 */
public final class KafkaTopics {
  private final KafkaAdminClient admin;
  private final ParleyConfig.KafkaConfig config;

  public KafkaTopics(KafkaAdminClient admin, ParleyConfig.KafkaConfig config) {
    this.admin = admin;
    this.config = config;
  }

  /** Topic name to the partition count it must have at least. */
  public Map<String, Integer> wanted() {
    return Map.of(config.messagesTopic(), config.messagesPartitions(),
        config.notificationsTopic(), config.notificationsPartitions());
  }

  /** Creates missing topics, then checks every topic's partition count; returns the actual counts. */
  public Future<Map<String, Integer>> ensure() {
    return admin.listTopics()
        .compose(this::createMissing)
        .compose(v -> admin.describeTopics(List.copyOf(wanted().keySet())))
        .map(this::verify);
  }

  private Future<Void> createMissing(Set<String> existing) {
    List<NewTopic> missing = wanted().entrySet().stream()
        .filter(e -> !existing.contains(e.getKey()))
        .map(e -> new NewTopic(e.getKey(), e.getValue(), (short) config.replicationFactor())
            .setConfig(Map.of("min.insync.replicas", String.valueOf(Math.min(2, config.replicationFactor())))))
        .toList();
    return missing.isEmpty() ? Future.succeededFuture() : admin.createTopics(missing)
        .recover(err -> err.getMessage() != null && err.getMessage().contains("already exists")
            ? Future.succeededFuture() : Future.failedFuture(err));
  }

  private Map<String, Integer> verify(Map<String, TopicDescription> descriptions) {
    Map<String, Integer> actual = new java.util.TreeMap<>();
    wanted().forEach((topic, partitions) -> {
      int count = descriptions.get(topic).getPartitions().size();
      if (count < partitions) {
        throw new IllegalStateException("Kafka topic " + topic + " has " + count + " partitions but the config asks for "
            + partitions + "; increase them deliberately (kafka-topics --alter) during a quiet period");
      }
      actual.put(topic, count);
    });
    return actual;
  }
}
