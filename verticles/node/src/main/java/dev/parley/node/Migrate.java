package dev.parley.node;

import dev.parley.shared.config.ConfigLoader;
import dev.parley.shared.config.Role;
import dev.parley.shared.schema.Migrations;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Command-line schema migration: {@code java -cp parley-node.jar dev.parley.node.Migrate}. Applies the
 * PostgreSQL migrations, the Cassandra migrations and creates/verifies the Kafka topics, reading the same
 * configuration sources as a node. Idempotent. Exit code 0 on success; 1 with the failing store named on
 * stderr otherwise.
 */
public final class Migrate {
  private static final long TIMEOUT_SECONDS = 180;

  private Migrate() {
  }

  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx();
    int code = 0;
    try {
      // The message role needs every store migrated here (PostgreSQL, Cassandra, Kafka), so the config
      // check demands exactly their settings and nothing else (no token keys).
      JsonObject overrides = new JsonObject().put("node", new JsonObject()
          .put("roles", new JsonArray().add(Role.MESSAGE.wireName())));
      Map<String, String> report = ConfigLoader.load(vertx, overrides)
          .compose(config -> Migrations.runAll(vertx, config))
          .toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      report.forEach((store, state) -> System.out.println("[migrate] " + store + ": " + state));
    } catch (ExecutionException e) {
      System.err.println("[migrate] FAILED: " + e.getCause().getMessage());
      code = 1;
    } catch (Exception e) {
      System.err.println("[migrate] FAILED: " + e);
      code = 1;
    } finally {
      vertx.close();
    }
    System.exit(code);
  }
}
