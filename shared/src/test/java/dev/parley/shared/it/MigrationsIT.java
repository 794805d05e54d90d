package dev.parley.shared.it;

import dev.parley.shared.config.ParleyConfig;
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

  @Test
  @DisplayName("migrations bring every store to the latest schema and a second run changes nothing")
  void idempotent(Vertx vertx) {
    ParleyConfig config = ItConfig.load(vertx);
    Map<String, String> first = await(Migrations.runAll(vertx, config));
    Map<String, String> second = await(Migrations.runAll(vertx, config));
    assertThat(first).containsEntry("postgres", "schema version 1").containsEntry("cassandra", "schema version 1");
    assertThat(first.get("kafka")).contains("parley.messages=").contains("parley.notifications=");
    assertThat(second).isEqualTo(first);
  }
}
