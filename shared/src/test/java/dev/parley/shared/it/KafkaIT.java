package dev.parley.shared.it;

import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.Dependency;
import dev.parley.shared.deps.DependencyClients;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.kafka.admin.TopicDescription;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.kafka.client.producer.RecordMetadata;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class KafkaIT {

  @Test
  @DisplayName("the message topic has its partitions, and a record produced idempotently with acks=all is consumed back")
  void produceThenConsume(Vertx vertx) {
    ParleyConfig config = ItConfig.load(vertx);
    ItConfig.migrate(vertx, config);
    DependencyClients clients = DependencyClients.create(vertx, config, EnumSet.of(Dependency.KAFKA));
    String topic = config.kafka().messagesTopic();
    Map<String, TopicDescription> described = await(clients.kafkaAdmin().describeTopics(List.of(topic)));
    assertThat(described.get(topic).getPartitions()).hasSizeGreaterThanOrEqualTo(12);

    KafkaProducer<String, String> producer = KafkaProducer.create(vertx, Map.of(
        "bootstrap.servers", config.kafka().bootstrapServers(), "acks", "all", "enable.idempotence", "true",
        "key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
        "value.serializer", "org.apache.kafka.common.serialization.StringSerializer"));
    KafkaConsumer<String, String> consumer = KafkaConsumer.create(vertx, Map.of(
        "bootstrap.servers", config.kafka().bootstrapServers(), "group.id", "it-" + UUID.randomUUID(),
        "auto.offset.reset", "earliest", "enable.auto.commit", "false",
        "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
        "value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer"));
    String channel = UUID.randomUUID().toString();
    String body = "payload-" + UUID.randomUUID();
    try {
      RecordMetadata sent = await(producer.send(KafkaProducerRecord.create(topic, channel, body)));
      Promise<String> received = Promise.promise();
      consumer.handler(record -> {
        if (record.key().equals(channel)) {
          received.tryComplete(record.partition() + "/" + record.offset() + "/" + record.value());
        }
      });
      await(consumer.assign(new io.vertx.kafka.client.common.TopicPartition(topic, sent.getPartition())));
      await(consumer.seek(new io.vertx.kafka.client.common.TopicPartition(topic, sent.getPartition()), sent.getOffset()));
      assertThat(await(received.future())).isEqualTo(sent.getPartition() + "/" + sent.getOffset() + "/" + body);
    } finally {
      await(consumer.close());
      await(producer.close());
      await(clients.close());
    }
  }
}
