package dev.parley.shared.schema;

import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.Dependency;
import dev.parley.shared.deps.DependencyClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * All schema work in one place: PostgreSQL (Flyway), Cassandra (versioned CQL) and Kafka topics. Idempotent.
 * Used by the {@code Migrate} command and by integration tests, so both apply exactly the same schema.
 */
public final class Migrations {
  private Migrations() {
  }

  /** Applies everything; the result maps each store to what is now in place. Fails naming the store. */
  public static Future<Map<String, String>> runAll(Vertx vertx, ParleyConfig config) {
    DependencyClients clients = DependencyClients.create(vertx, config, EnumSet.of(Dependency.CASSANDRA, Dependency.KAFKA));
    Map<String, String> report = new LinkedHashMap<>();
    return vertx.executeBlocking(() -> PostgresMigrator.migrate(config.pg()))
        .recover(err -> failed("postgres", err))
        .compose(pg -> {
          report.put("postgres", "schema version " + pg);
          return new CassandraMigrator(clients.cassandra(), config.cassandra()).migrate()
              .recover(err -> failed("cassandra", err));
        })
        .compose(cql -> {
          report.put("cassandra", "schema version " + cql);
          return new KafkaTopics(clients.kafkaAdmin(), config.kafka()).ensure().recover(err -> failed("kafka", err));
        })
        .map(topics -> {
          report.put("kafka", "topics " + topics);
          return report;
        })
        .eventually(clients::close);
  }

  private static <T> Future<T> failed(String store, Throwable err) {
    return Future.failedFuture(new IllegalStateException(store + " migration failed: " + err.getMessage(), err));
  }
}
