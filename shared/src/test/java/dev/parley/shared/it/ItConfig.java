package dev.parley.shared.it;

import dev.parley.shared.config.ConfigLoader;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.schema.Migrations;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Configuration for integration tests: the same loader as a node, fed by the environment that
 * {@code scripts/test} exports from {@code scripts/infra env}. Blocking helpers: call from test threads only.
 */
public final class ItConfig {
  private static volatile boolean migrated;

  private ItConfig() {
  }

  public static ParleyConfig load(Vertx vertx) {
    return load(vertx, new JsonObject());
  }

  public static ParleyConfig load(Vertx vertx, JsonObject overrides) {
    return load(vertx, overrides, java.util.Set.of());
  }

  /**
   * Like {@link #load(Vertx, JsonObject)}, ignoring the named environment variables, so that {@code overrides}
   * of those keys take effect (the environment otherwise wins over -conf, as on a node).
   */
  public static ParleyConfig load(Vertx vertx, JsonObject overrides, java.util.Set<String> ignoredEnv) {
    Map<String, String> env = new java.util.HashMap<>(System.getenv());
    env.keySet().removeAll(ignoredEnv);
    if (env.get("PARLEY_PG_PASSWORD") == null) {
      throw new IllegalStateException("PARLEY_PG_PASSWORD is not set: run integration tests through scripts/test, "
          + "or first: eval \"$(scripts/infra env)\"");
    }
    JsonObject withKeys = new JsonObject().put("auth", new JsonObject().put("keysDir", keysDir().toString()))
        .mergeIn(overrides, true);
    return await(ConfigLoader.load(vertx, withKeys, env));
  }

  private static java.nio.file.Path keysDir;

  /** One ES256 key pair per test JVM, in a temporary directory (tests never touch the local secrets). */
  public static synchronized java.nio.file.Path keysDir() {
    if (keysDir == null) {
      try {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("parley-jwt-it");
        dev.parley.shared.auth.JwtKeyGenerator.generate(dir, java.time.Clock.systemUTC());
        keysDir = dir;
      } catch (Exception e) {
        throw new IllegalStateException("cannot generate test JWT keys", e);
      }
    }
    return keysDir;
  }

  /** Applies every migration once per test JVM (they are idempotent, this only saves time). */
  public static synchronized void migrate(Vertx vertx, ParleyConfig config) {
    if (!migrated) {
      await(Migrations.runAll(vertx, config));
      migrated = true;
    }
  }

  public static <T> T await(io.vertx.core.Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
    }
  }
}
