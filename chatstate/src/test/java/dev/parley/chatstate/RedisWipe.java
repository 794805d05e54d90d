package dev.parley.chatstate;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.parley.shared.it.ItConfig.await;

/**
 * The worst Redis crash for a test: kill -9 by its PID file, delete its data directory (RDB and AOF alike), start
 * it again with {@code scripts/infra start redis} (as RedisCrashIT does). Defaults to this checkout's services;
 * {@code PARLEY_HOME} and {@code PARLEY_INFRA_SCRIPT} point at another checkout's. Run under
 * {@code flock -x /tmp/parley-infra.lock}: nothing else may use Redis meanwhile.
 */
final class RedisWipe {
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final Path HOME = Path.of(env("PARLEY_HOME", REPO.resolve(".parley").toString()));
  private static final Path SCRIPT = Path.of(env("PARLEY_INFRA_SCRIPT", REPO.resolve("scripts/infra").toString()));

  private RedisWipe() {
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  /** Kills, wipes and restarts Redis, then waits (bounded) until {@code client} gets answers again. */
  static void killWipeRestart(Redis client) throws Exception {
    long pid = Long.parseLong(Files.readString(HOME.resolve("run/redis.pid")).trim());
    run(Duration.ofSeconds(10), "kill", "-9", String.valueOf(pid));
    Path data = HOME.resolve("data/redis");
    if (Files.isDirectory(data)) {
      try (Stream<Path> all = Files.walk(data)) {
        all.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(data)).forEach(RedisWipe::delete);
      }
    }
    run(Duration.ofSeconds(120), SCRIPT.toString(), "start", "redis");
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      Future<?> ping = client.send(Request.cmd(Command.PING));
      try {
        await(ping);
        return;
      } catch (RuntimeException notYet) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("Redis did not answer within 30 s of its restart", notYet);
        }
        // The client reconnects on the next command; the failed one came back at once.
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
  }

  /** {@code scripts/infra status redis} exit code (0: running and ready). */
  static int status() throws Exception {
    return run(Duration.ofSeconds(30), SCRIPT.toString(), "status", "redis");
  }

  private static void delete(Path p) {
    try {
      Files.delete(p);
    } catch (IOException e) {
      throw new IllegalStateException("cannot delete " + p, e);
    }
  }

  private static int run(Duration limit, String... cmd) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of("target", "infra-from-it.log").toFile()));
    pb.environment().put("PARLEY_HOME", HOME.toString());
    Process p = pb.start();
    if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", cmd) + " did not finish in " + limit);
    }
    if (p.exitValue() != 0 && !"status".equals(cmd[cmd.length - 2])) {
      throw new AssertionError(String.join(" ", cmd) + " exited " + p.exitValue() + " (see target/infra-from-it.log)");
    }
    return p.exitValue();
  }
}
