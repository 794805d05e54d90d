package dev.parley.bench;

import dev.parley.api.ApiVerticle;
import dev.parley.api.accounts.PasswordHasher;
import dev.parley.shared.auth.JwtKeyGenerator;
import dev.parley.shared.config.ConfigLoader;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.Dependency;
import dev.parley.shared.deps.DependencyClients;
import dev.parley.shared.schema.PostgresMigrator;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Login throughput and latency at the configured Argon2id cost: an in-process {@link ApiVerticle} on loopback
 * against the real PostgreSQL and Redis, driven by {@code concurrency} closed-loop HTTP clients, each re-logging in
 * one of the prepared accounts as its existing device (so the device limit is never met). The rate limits are lifted
 * for the run — they exist precisely to stop a single address doing this. Prints one summary block.
 *
 * <p>Run: {@code eval "$(scripts/infra env)" && mvn -B -q install -DskipTests && mvn -B -q -pl bench exec:java
 * -Dexec.args="--seconds 30 --concurrency 4 --users 32"}.
 */
public final class LoginBenchmark {
  private LoginBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int seconds = intArg(args, "--seconds", 30);
    int concurrency = intArg(args, "--concurrency", 4);
    int users = intArg(args, "--users", 32);
    Vertx vertx = Vertx.vertx();
    try {
      run(vertx, seconds, concurrency, users);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static void run(Vertx vertx, int seconds, int concurrency, int users) throws Exception {
    Path keys = Files.createTempDirectory("parley-bench-jwt");
    JwtKeyGenerator.generate(keys, java.time.Clock.systemUTC());
    JsonObject overrides = new JsonObject()
        .put("node", new JsonObject().put("roles", new JsonArray().add("api")))
        .put("auth", new JsonObject().put("keysDir", keys.toString()))
        .put("api", new JsonObject().put("port", 0).put("rateLimit", new JsonObject()
            .put("loginPerAccount", 1_000_000).put("loginPerAddress", 1_000_000).put("signupPerAddress", 1_000_000)));
    ParleyConfig config = await(ConfigLoader.load(vertx, overrides));
    await(vertx.executeBlocking(() -> PostgresMigrator.migrate(config.pg())));
    DependencyClients clients = DependencyClients.create(vertx, config, EnumSet.of(Dependency.POSTGRES, Dependency.REDIS,
        Dependency.CASSANDRA));
    ApiVerticle api = new ApiVerticle(config, clients, java.time.Clock.systemUTC(),
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    await(vertx.deployVerticle(api));
    WebClient http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(api.actualPort()), new PoolOptions().setHttp1MaxSize(concurrency));

    double[] hash = rawHash(vertx, config);
    List<Account> accounts = prepare(http, users);
    // Warm-up: JIT, connection pools, prepared statements.
    await(drive(vertx, http, accounts, concurrency, 5, new ArrayList<>()));
    List<Long> latenciesNanos = new ArrayList<>();
    long cpuStart = processCpuNanos();
    long start = System.nanoTime();
    int errors = await(drive(vertx, http, accounts, concurrency, seconds, latenciesNanos));
    double elapsed = (System.nanoTime() - start) / 1e9;
    double cpuMsPerLogin = (processCpuNanos() - cpuStart) / 1e6 / Math.max(1, latenciesNanos.size());
    report(config, seconds, concurrency, users, latenciesNanos, errors, elapsed);
    // CPU per login does not depend on what else the machine runs, unlike throughput and latency: it gives the
    // capacity of an otherwise idle machine (client, server and drivers all in this process).
    System.out.printf("CPU per login (whole process): %.1f ms, so ~%.0f logins/s if all %d cores were ours%n",
        cpuMsPerLogin, Runtime.getRuntime().availableProcessors() * 1000 / cpuMsPerLogin,
        Runtime.getRuntime().availableProcessors());
    System.out.printf("one Argon2id hash alone: %.1f ms wall, %.1f ms CPU (so %d hashing threads cap logins at ~%.0f/s)%n",
        hash[0], hash[1], config.auth().passwordHashing().threads(),
        Math.min(config.auth().passwordHashing().threads(), Runtime.getRuntime().availableProcessors()) * 1000 / hash[1]);
    http.close();
    await(clients.close());
  }

  private static long processCpuNanos() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }

  /**
   * One hash at the configured cost, 10 in a row on one worker thread (the cost floor of a login): mean wall time
   * and mean CPU time of that thread (the latter barely depends on what else the machine runs).
   */
  private static double[] rawHash(Vertx vertx, ParleyConfig config) {
    var pool = vertx.createSharedWorkerExecutor("bench-raw-hash", 1);
    var hasher = new PasswordHasher(pool, config.auth().passwordHashing(), new java.security.SecureRandom(),
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    await(hasher.hash("warm-up password"));
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long cpu = await(pool.executeBlocking(threads::getCurrentThreadCpuTime));
    long t0 = System.nanoTime();
    for (int i = 0; i < 10; i++) {
      await(hasher.hash("benchmark password " + i));
    }
    double wallMs = (System.nanoTime() - t0) / 1e6 / 10;
    double cpuMs = (await(pool.executeBlocking(threads::getCurrentThreadCpuTime)) - cpu) / 1e6 / 10;
    await(pool.close());
    return new double[] {wallMs, cpuMs};
  }

  private record Account(String username, String password, String deviceId) {
  }

  private static List<Account> prepare(WebClient http, int users) {
    List<Account> accounts = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      String username = "bench" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
      String password = "bench-pass-" + UUID.randomUUID();
      check(await(http.post("/v1/auth/signup").sendJsonObject(new JsonObject().put("username", username)
          .put("password", password).put("displayName", "Bench"))).statusCode(), 201, "signup");
      var login = await(http.post("/v1/auth/login").sendJsonObject(new JsonObject().put("username", username)
          .put("password", password).put("deviceName", "bench")));
      check(login.statusCode(), 200, "login");
      accounts.add(new Account(username, password, login.bodyAsJsonObject().getString("deviceId")));
    }
    return accounts;
  }

  /** {@code concurrency} closed loops until the deadline; latencies are appended; the result counts errors. */
  private static Future<Integer> drive(Vertx vertx, WebClient http, List<Account> accounts, int concurrency,
                                       int seconds, List<Long> latencies) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    AtomicInteger errors = new AtomicInteger();
    AtomicInteger next = new AtomicInteger();
    List<Future<Void>> loops = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      Promise<Void> done = Promise.promise();
      loop(http, accounts, next, deadline, latencies, errors, done);
      loops.add(done.future());
    }
    return Future.all(loops).map(v -> errors.get());
  }

  private static void loop(WebClient http, List<Account> accounts, AtomicInteger next, long deadline,
                           List<Long> latencies, AtomicInteger errors, Promise<Void> done) {
    if (System.nanoTime() >= deadline) {
      done.complete();
      return;
    }
    Account a = accounts.get(Math.floorMod(next.getAndIncrement(), accounts.size()));
    long t0 = System.nanoTime();
    http.post("/v1/auth/login").sendJsonObject(new JsonObject().put("username", a.username())
            .put("password", a.password()).put("deviceName", "bench").put("deviceId", a.deviceId()))
        .onComplete(ar -> {
          long took = System.nanoTime() - t0;
          synchronized (latencies) {
            latencies.add(took);
          }
          if (ar.failed() || ar.result().statusCode() != 200) {
            errors.incrementAndGet();
          }
          loop(http, accounts, next, deadline, latencies, errors, done);
        });
  }

  private static void report(ParleyConfig config, int seconds, int concurrency, int users, List<Long> nanos,
                             int errors, double elapsed) {
    long[] sorted = nanos.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    var cost = config.auth().passwordHashing();
    System.out.printf("%n== Parley login benchmark ==%n");
    System.out.printf("argon2id m=%d KiB t=%d p=%d, hashing threads=%d, cpus=%d%n", cost.memoryKib(),
        cost.iterations(), cost.parallelism(), cost.threads(), Runtime.getRuntime().availableProcessors());
    System.out.printf("duration %ds (measured %.1fs), concurrency %d, accounts %d%n", seconds, elapsed, concurrency, users);
    System.out.printf("logins %d, errors %d, throughput %.1f logins/s%n", sorted.length, errors, sorted.length / elapsed);
    System.out.printf("latency ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f%n", pct(sorted, 50), pct(sorted, 90),
        pct(sorted, 99), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
    // Other processes on the machine (the data stores, builds) compete for the same cores: say how busy it was.
    Path loadavg = Path.of("/proc/loadavg");
    if (Files.isReadable(loadavg)) {
      try {
        System.out.printf("load average at end (1/5/15 min): %s%n", Files.readString(loadavg).trim());
      } catch (java.io.IOException ignored) {
        // Informational only.
      }
    }
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }

  private static void check(int actual, int expected, String what) {
    if (actual != expected) {
      throw new IllegalStateException(what + " answered HTTP " + actual + ", expected " + expected);
    }
  }

  private static int intArg(String[] args, String name, int fallback) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
    }
  }
}
