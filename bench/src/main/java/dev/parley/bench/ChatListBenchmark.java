package dev.parley.bench;

import dev.parley.api.ApiVerticle;
import dev.parley.shared.auth.AccessTokens;
import dev.parley.shared.auth.JwtKeyGenerator;
import dev.parley.shared.auth.JwtKeys;
import dev.parley.chatstate.ChatStore;
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
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Chat-list latency for a user in many channels: an in-process {@link ApiVerticle} on loopback against the real
 * PostgreSQL and Redis. One user is made a member of {@code --channels} channels (80% groups of 3, 20% DMs) written
 * straight into PostgreSQL; each channel gets a head (a latest message with a 256-byte payload), a place in the
 * user's index and a read cursor in Redis exactly as the message role writes them. Then {@code --concurrency}
 * closed-loop clients call {@code GET /v1/chats} for {@code --seconds}: first the top page (limit 50), then pages at
 * random depths (following real cursors). Prints p50/p90/p99/max per mode.
 *
 * <p>Run: {@code eval "$(scripts/infra env)" && mvn -B -q install -DskipTests && mvn -B -q -pl bench
 * dependency:build-classpath -Dmdep.outputFile=target/cp.txt && java -cp bench/target/classes:$(cat
 * bench/target/cp.txt) dev.parley.bench.ChatListBenchmark --channels 1000 --seconds 20 --concurrency 4}.
 */
public final class ChatListBenchmark {
  private static final int PAGE = 50;

  private ChatListBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int channels = intArg(args, "--channels", 1000);
    int seconds = intArg(args, "--seconds", 20);
    int concurrency = intArg(args, "--concurrency", 4);
    Vertx vertx = Vertx.vertx();
    try {
      run(vertx, channels, seconds, concurrency);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static void run(Vertx vertx, int channels, int seconds, int concurrency) throws Exception {
    Path keys = Files.createTempDirectory("parley-bench-jwt");
    String kid = JwtKeyGenerator.generate(keys, java.time.Clock.systemUTC());
    JsonObject overrides = new JsonObject()
        .put("node", new JsonObject().put("roles", new JsonArray().add("api")))
        .put("auth", new JsonObject().put("keysDir", keys.toString()).put("signingKeyId", kid))
        .put("api", new JsonObject().put("port", 0));
    ParleyConfig config = await(ConfigLoader.load(vertx, overrides));
    await(vertx.executeBlocking(() -> PostgresMigrator.migrate(config.pg())));
    DependencyClients clients = DependencyClients.create(vertx, config, EnumSet.of(Dependency.POSTGRES, Dependency.REDIS,
        Dependency.CASSANDRA));
    ApiVerticle api = new ApiVerticle(config, clients, java.time.Clock.systemUTC(),
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    await(vertx.deployVerticle(api));
    AccessTokens tokens = new AccessTokens(vertx, await(JwtKeys.load(vertx, keys.toString(), kid, true)),
        config.auth().issuer(), config.auth().audience(), 3_600, 0, java.time.Clock.systemUTC());

    long t0 = System.nanoTime();
    UUID user = UUID.randomUUID();
    UUID device = UUID.randomUUID();
    prepare(clients.pg(), ChatStore.on(clients.redis()), user, device, channels);
    System.out.printf("prepared a user in %d channels in %.1f s%n", channels, (System.nanoTime() - t0) / 1e9);
    String token = tokens.issue(user, device);

    WebClient http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(api.actualPort()), new PoolOptions().setHttp1MaxSize(concurrency));
    List<String> cursors = walk(http, token, channels);
    System.out.printf("full walk: %d pages of %d, order and count verified%n", cursors.size(), PAGE);
    drive(vertx, http, token, concurrency, 5, List.of(""), new ArrayList<>()); // warm-up
    List<Long> top = new ArrayList<>();
    int errorsTop = drive(vertx, http, token, concurrency, seconds, List.of(""), top);
    report("top page (limit 50)", top, errorsTop, seconds, concurrency);
    List<Long> deep = new ArrayList<>();
    int errorsDeep = drive(vertx, http, token, concurrency, seconds, cursors, deep);
    report("random-depth page (limit 50, via cursor)", deep, errorsDeep, seconds, concurrency);
    http.close();
    await(clients.close());
  }

  /** One user, {@code n} channels; each with a head, an index entry and a read cursor in Redis. */
  private static void prepare(Pool pg, ChatStore store, UUID user, UUID device, int n) {
    List<UUID> others = new ArrayList<>();
    for (int i = 0; i < 50 + n / 5; i++) {
      others.add(UUID.randomUUID());
    }
    List<UUID> everyone = new ArrayList<>(others);
    everyone.add(user);
    UUID[] ids = everyone.toArray(UUID[]::new);
    String[] names = everyone.stream().map(u -> "bench-" + u).toArray(String[]::new);
    await(pg.preparedQuery("INSERT INTO users (id, username, display_name, password_hash) "
        + "SELECT u, n, n, 'x' FROM unnest($1::uuid[], $2::text[]) AS t(u, n)").execute(Tuple.of(ids, (Object) names)));
    await(pg.preparedQuery("INSERT INTO devices (id, user_id, name) VALUES ($1, $2, 'bench')")
        .execute(Tuple.of(device, user)));
    List<UUID> chans = new ArrayList<>();
    List<UUID> chanIds = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    List<String> dmKeys = new ArrayList<>();
    List<UUID> mUsers = new ArrayList<>();
    List<UUID> mChans = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      UUID ch = UUID.randomUUID();
      chans.add(ch);
      chanIds.add(ch);
      mChans.add(ch);
      mUsers.add(user);
      if (i % 5 == 0) {
        UUID peer = others.get(50 + i / 5);
        kinds.add("dm");
        dmKeys.add(user.toString().compareTo(peer.toString()) < 0 ? user + ":" + peer : peer + ":" + user);
        mChans.add(ch);
        mUsers.add(peer);
      } else {
        kinds.add("group");
        dmKeys.add(null);
        for (int k = 1; k <= 2; k++) {
          mChans.add(ch);
          mUsers.add(others.get((i + k * 7) % 50));
        }
      }
    }
    await(pg.preparedQuery("INSERT INTO channels (id, kind, name, created_by, dm_key) "
            + "SELECT c, k, CASE WHEN k = 'group' THEN 'bench' END, $4, d FROM unnest($1::uuid[], $2::text[], $3::text[]) "
            + "AS t(c, k, d)")
        .execute(Tuple.of(chanIds.toArray(UUID[]::new), kinds.toArray(String[]::new), dmKeys.toArray(String[]::new), user)));
    await(pg.preparedQuery("INSERT INTO channel_members (channel_id, user_id) SELECT c, u FROM unnest($1::uuid[], $2::uuid[]) AS t(c, u)")
        .execute(Tuple.of(mChans.toArray(UUID[]::new), (Object) mUsers.toArray(UUID[]::new))));
    // Joined a day ago: before every message below, so the list is ordered by the messages' times.
    await(pg.preparedQuery("INSERT INTO user_channels (user_id, channel_id, joined_at) "
            + "SELECT u, c, now() - interval '1 day' FROM unnest($1::uuid[], $2::uuid[]) AS t(c, u)")
        .execute(Tuple.of(mChans.toArray(UUID[]::new), (Object) mUsers.toArray(UUID[]::new))));
    // What the message role writes per stored message, for each channel's latest one.
    long base = System.currentTimeMillis() - n * 1000L;
    byte[] payload = new byte[256];
    ThreadLocalRandom.current().nextBytes(payload);
    List<Future<?>> writes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      UUID ch = chans.get(i);
      long seq = 1 + ThreadLocalRandom.current().nextInt(500);
      long ts = base + i * 1000L;
      JsonObject env = new JsonObject().put("channelId", ch.toString()).put("seq", seq).put("msgId", Long.toString(ts))
          .put("hash", Base64.getEncoder().encodeToString(new byte[32])).put("sender", others.get(i % 50).toString())
          .put("senderDevice", UUID.randomUUID().toString()).put("clientMsgId", "c" + i).put("kind", "application")
          .put("payload", Base64.getEncoder().encodeToString(payload)).put("ts", ts);
      writes.add(store.heads().updateHead(ch, seq, ts, env)
          .compose(v -> store.index().touch(ch, List.of(user), ts))
          .compose(v -> store.cursors().markRead(ch, user, seq - (seq % 7))));
      if (writes.size() >= 200) {
        await(Future.all(writes));
        writes.clear();
      }
    }
    await(Future.all(writes));
  }

  /** Walks every page once, checking order and count; returns the cursors (the first page's is ""). */
  private static List<String> walk(WebClient http, String token, int channels) {
    List<String> cursors = new ArrayList<>();
    String cursor = "";
    long lastTs = Long.MAX_VALUE;
    int seen = 0;
    while (cursor != null) {
      cursors.add(cursor);
      JsonObject page = await(http.get("/v1/chats?limit=" + PAGE + (cursor.isEmpty() ? "" : "&cursor=" + cursor))
          .bearerTokenAuthentication(token).send()).bodyAsJsonObject();
      for (Object o : page.getJsonArray("chats")) {
        long ts = ((JsonObject) o).getLong("ts");
        if (ts > lastTs) {
          throw new IllegalStateException("chat list out of order at item " + seen);
        }
        lastTs = ts;
        seen++;
      }
      cursor = page.getString("nextCursor");
    }
    if (seen != channels) {
      throw new IllegalStateException("walk saw " + seen + " chats, expected " + channels);
    }
    return cursors;
  }

  private static int drive(Vertx vertx, WebClient http, String token, int concurrency, int seconds,
                           List<String> cursors, List<Long> latencies) {
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    int[] errors = {0};
    List<Future<Void>> loops = new ArrayList<>();
    for (int i = 0; i < concurrency; i++) {
      Promise<Void> done = Promise.promise();
      vertx.runOnContext(v -> loop(http, token, cursors, end, latencies, errors, done));
      loops.add(done.future());
    }
    await(Future.all(loops));
    return errors[0];
  }

  private static void loop(WebClient http, String token, List<String> cursors, long end, List<Long> latencies,
                           int[] errors, Promise<Void> done) {
    if (System.nanoTime() >= end) {
      done.complete();
      return;
    }
    String cursor = cursors.get(ThreadLocalRandom.current().nextInt(cursors.size()));
    long start = System.nanoTime();
    http.get("/v1/chats?limit=" + PAGE + (cursor.isEmpty() ? "" : "&cursor=" + cursor))
        .bearerTokenAuthentication(token).send()
        .onComplete(ar -> {
          synchronized (latencies) {
            if (ar.succeeded() && ar.result().statusCode() == 200) {
              latencies.add(System.nanoTime() - start);
            } else {
              errors[0]++;
            }
          }
          loop(http, token, cursors, end, latencies, errors, done);
        });
  }

  private static void report(String mode, List<Long> nanos, int errors, int seconds, int concurrency) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    System.out.printf("%s: %d requests in %d s with %d clients (%.0f/s), %d errors; latency ms p50 %.2f p90 %.2f "
            + "p99 %.2f max %.2f%n", mode, sorted.size(), seconds, concurrency, sorted.size() / (double) seconds, errors,
        pct(sorted, 0.50), pct(sorted, 0.90), pct(sorted, 0.99), sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1) / 1e6);
  }

  private static double pct(List<Long> sorted, double p) {
    if (sorted.isEmpty()) {
      return 0;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
  }

  private static int intArg(String[] args, String name, int fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
    }
  }
}
