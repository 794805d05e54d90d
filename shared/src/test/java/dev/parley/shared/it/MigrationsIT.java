package dev.parley.shared.it;

import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.schema.CassandraMigrator;
import dev.parley.shared.schema.Migrations;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class MigrationsIT {

  /** The highest V<n> among the shipped Flyway files. */
  private static int latestPostgresVersion() {
    try (var files = java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/db/postgres"))) {
      return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
          .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElseThrow();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @DisplayName("migrations bring every store to the latest schema and a second run changes nothing")
  void idempotent(Vertx vertx) {
    ParleyConfig config = ItConfig.load(vertx);
    Map<String, String> first = await(Migrations.runAll(vertx, config));
    Map<String, String> second = await(Migrations.runAll(vertx, config));
    assertThat(first).containsEntry("postgres", "schema version " + latestPostgresVersion())
        .containsEntry("cassandra", "schema version "
            + CassandraMigrator.versionOf(CassandraMigrator.FILES.get(CassandraMigrator.FILES.size() - 1)));
    assertThat(first.get("kafka")).contains("parley.messages=").contains("parley.notifications=");
    assertThat(second).isEqualTo(first);
  }
}
