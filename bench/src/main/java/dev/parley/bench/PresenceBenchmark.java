package dev.parley.bench;

import dev.parley.presence.PresenceVerticle;
import dev.parley.shared.Addresses;
import dev.parley.shared.config.ConfigLoader;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.Dependency;
import dev.parley.shared.deps.DependencyClients;
import dev.parley.shared.presence.PresenceAddresses;
import dev.parley.shared.session.SessionDirectory;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Presence benchmark against the real Redis and PostgreSQL (a benchmark, not a test):
 * <ol>
 *   <li>heartbeats per second one in-process presence verticle absorbs, sent as gateways send them (batches on the
 *       event bus), next to a baseline in the same run: the same number of raw pipelined Redis ZADDs, the floor
 *       cost of recording a deadline;</li>
 *   <li>the cost of one presence change (online, then offline) fanned out to S subscribed devices, from the
 *       session event to the last delivery reaching a (fake) gateway's event-bus address, p50/p99 over repeats.</li>
 * </ol>
 * Run: {@code eval "$(scripts/infra env)" && mvn -q -pl bench exec:java
 * -Dexec.mainClass=dev.parley.bench.PresenceBenchmark -Dexec.args="--seconds 15"}.
 */
public final class PresenceBenchmark {
  private static final String FAKE_GATEWAY = "bench-gw-" + UUID.randomUUID();

  private PresenceBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int seconds = intArg(args, "--seconds", 15);
    int batch = intArg(args, "--batch", 500);
    int devices = intArg(args, "--devices", 20_000);
    int inflight = intArg(args, "--inflight", 4);
    int repeats = intArg(args, "--repeats", 20);
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject overrides = new JsonObject()
          .put("node", new JsonObject().put("roles", new JsonArray().add("presence")))
          .put("presence", new JsonObject().put("port", 0));
      ParleyConfig config = await(ConfigLoader.load(vertx, overrides));
      DependencyClients clients = DependencyClients.create(vertx, config, java.util.EnumSet.of(Dependency.REDIS,
          Dependency.POSTGRES));
      await(vertx.deployVerticle(new PresenceVerticle(config, clients, java.time.Clock.systemUTC())));
      System.out.printf(Locale.ROOT, "presence benchmark: %d devices, batches of %d, %d in flight, %d s per phase%n",
          devices, batch, inflight, seconds);

      List<JsonObject> beats = new ArrayList<>(devices);
      for (int i = 0; i < devices; i++) {
        beats.add(new JsonObject().put("u", UUID.randomUUID().toString()).put("d", UUID.randomUUID().toString())
            .put("t", "beat"));
      }
      double baseline = rawZaddPerSecond(vertx, clients, beats, batch, inflight, seconds);
      double absorbed = heartbeatsPerSecond(vertx, beats, batch, inflight, seconds);
      System.out.printf(Locale.ROOT, "baseline raw Redis ZADD (pipelined batches): %,.0f /s%n", baseline);
      System.out.printf(Locale.ROOT, "heartbeats absorbed by one presence verticle: %,.0f /s (%.2f of the baseline)%n",
          absorbed, absorbed / baseline);
      cleanupDeadlines(clients, beats);

      for (int subscribers : new int[] {1, 10, 100, 1_000}) {
        long[] nanos = fanOut(vertx, clients, subscribers, repeats);
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "fan-out of one change to %4d subscribed devices: p50 %.2f ms, p99 %.2f ms "
                + "(%.1f us per subscriber at p50)%n", subscribers, nanos[nanos.length / 2] / 1e6,
            nanos[Math.min(nanos.length - 1, (int) Math.ceil(nanos.length * 0.99) - 1)] / 1e6,
            nanos[nanos.length / 2] / 1e3 / subscribers);
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static double heartbeatsPerSecond(Vertx vertx, List<JsonObject> beats, int batch, int inflight,
                                            int seconds) {
    return run(vertx, beats, batch, inflight, seconds, events -> vertx.eventBus()
        .request(PresenceAddresses.EVENTS, new JsonObject().put("gateway", "bench").put("events", events)).mapEmpty());
  }

  private static double rawZaddPerSecond(Vertx vertx, DependencyClients clients, List<JsonObject> beats, int batch,
                                         int inflight, int seconds) {
    String key = "parley:bench:deadlines:" + UUID.randomUUID();
    double rate = run(vertx, beats, batch, inflight, seconds, events -> {
      List<Request> requests = new ArrayList<>(events.size());
      long deadline = System.currentTimeMillis() + 75_000;
      for (Object o : events) {
        JsonObject e = (JsonObject) o;
        requests.add(Request.cmd(Command.ZADD).arg(key).arg(deadline).arg(e.getString("u") + ":" + e.getString("d")));
      }
      return clients.redis().batch(requests).mapEmpty();
    });
    await(clients.redis().send(Request.cmd(Command.DEL).arg(key)));
    return rate;
  }

  /** Sends batches with {@code inflight} outstanding for {@code seconds}; returns events per second. */
  private static double run(Vertx vertx, List<JsonObject> beats, int batch, int inflight, int seconds,
                            java.util.function.Function<JsonArray, Future<Void>> sendBatch) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    long start = System.nanoTime();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int i = 0; i < inflight; i++) {
      Promise<Void> lane = Promise.promise();
      vertx.runOnContext(v -> loop(beats, batch, end, next, done, sendBatch, lane));
      lanes.add(lane.future());
    }
    await(Future.all(lanes));
    return done.get() / ((System.nanoTime() - start) / 1e9);
  }

  private static void loop(List<JsonObject> beats, int batch, long end, AtomicInteger next, AtomicInteger done,
                           java.util.function.Function<JsonArray, Future<Void>> sendBatch, Promise<Void> lane) {
    if (System.nanoTime() >= end) {
      lane.complete();
      return;
    }
    JsonArray events = new JsonArray();
    for (int i = 0; i < batch; i++) {
      events.add(beats.get(Math.floorMod(next.getAndIncrement(), beats.size())));
    }
    sendBatch.apply(events).onComplete(ar -> {
      if (ar.failed()) {
        lane.fail(ar.cause());
        return;
      }
      done.addAndGet(batch);
      loop(beats, batch, end, next, done, sendBatch, lane);
    });
  }

  /** One target user, S subscribed devices (co-members in one group) on a fake gateway; times each change. */
  private static long[] fanOut(Vertx vertx, DependencyClients clients, int subscribers, int repeats) {
    UUID target = UUID.randomUUID();
    UUID targetDevice = UUID.randomUUID();
    UUID channel = UUID.randomUUID();
    List<UUID> users = new ArrayList<>();
    users.add(target);
    List<UUID> devices = new ArrayList<>();
    for (int i = 0; i < subscribers; i++) {
      users.add(UUID.randomUUID());
      devices.add(UUID.randomUUID());
    }
    insertGroup(clients, channel, users);
    SessionDirectory sessions = new SessionDirectory(clients.redis());
    for (UUID d : devices) {
      await(sessions.register(d, FAKE_GATEWAY, 300));
    }
    for (int i = 0; i < subscribers; i++) {
      await(vertx.eventBus().request(PresenceAddresses.SUBSCRIBE, new JsonObject()
          .put("userId", users.get(i + 1).toString()).put("deviceId", devices.get(i).toString())
          .put("targets", new JsonArray().add(target.toString()))));
    }
    AtomicInteger delivered = new AtomicInteger();
    var consumer = vertx.eventBus().<JsonObject>consumer(Addresses.gatewayDeliver(FAKE_GATEWAY), m -> {
      for (Object part : m.body().getJsonArray("frames")) {
        delivered.addAndGet(((JsonObject) part).getJsonArray("devices").size());
      }
    });
    await(consumer.completion());
    long[] nanos = new long[repeats * 2];
    try {
      for (int r = 0; r < repeats; r++) {
        nanos[2 * r] = timeChange(vertx, delivered, subscribers, target, targetDevice, "beat");
        nanos[2 * r + 1] = timeChange(vertx, delivered, subscribers, target, targetDevice, "logout");
      }
    } finally {
      await(consumer.unregister());
      for (UUID d : devices) {
        await(vertx.eventBus().request(PresenceAddresses.UNSUBSCRIBE, new JsonObject().put("deviceId", d.toString())));
        await(sessions.unregister(d, FAKE_GATEWAY));
      }
      await(clients.pg().preparedQuery("DELETE FROM channels WHERE id = $1").execute(Tuple.of(channel)));
      await(clients.pg().preparedQuery("DELETE FROM users WHERE id = ANY($1)")
          .execute(Tuple.tuple().addArrayOfUUID(users.toArray(UUID[]::new))));
    }
    return nanos;
  }

  private static long timeChange(Vertx vertx, AtomicInteger delivered, int expected, UUID user, UUID device,
                                 String type) {
    delivered.set(0);
    long start = System.nanoTime();
    await(vertx.eventBus().request(PresenceAddresses.EVENTS, new JsonObject().put("gateway", "bench").put("events",
        new JsonArray().add(new JsonObject().put("u", user.toString()).put("d", device.toString()).put("t", type)))));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (delivered.get() < expected) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + delivered.get() + " of " + expected + " deliveries within 30 s");
      }
      Thread.onSpinWait();
    }
    return System.nanoTime() - start;
  }

  private static void insertGroup(DependencyClients clients, UUID channel, List<UUID> users) {
    List<Tuple> userRows = users.stream().map(u -> Tuple.of(u, "bench_" + u.toString().replace("-", "").substring(0, 20)))
        .toList();
    await(clients.pg().preparedQuery("INSERT INTO users (id, username, display_name, password_hash) VALUES ($1, $2, 'b', 'x')")
        .executeBatch(userRows));
    await(clients.pg().preparedQuery("INSERT INTO channels (id, kind, name, created_by) VALUES ($1, 'group', 'bench', $2)")
        .execute(Tuple.of(channel, users.get(0))));
    List<Tuple> members = users.stream().map(u -> Tuple.of(channel, u)).toList();
    await(clients.pg().preparedQuery("INSERT INTO channel_members (channel_id, user_id) VALUES ($1, $2)").executeBatch(members));
    await(clients.pg().preparedQuery("INSERT INTO user_channels (channel_id, user_id) VALUES ($1, $2)").executeBatch(members));
  }

  private static void cleanupDeadlines(DependencyClients clients, List<JsonObject> beats) {
    List<Request> batch = new ArrayList<>();
    for (JsonObject b : beats) {
      batch.add(Request.cmd(Command.ZREM).arg("parley:presence:deadlines").arg(b.getString("u") + ":" + b.getString("d")));
      batch.add(Request.cmd(Command.DEL).arg("parley:presence:devices:" + b.getString("u")));
      if (batch.size() >= 1_000) {
        await(clients.redis().batch(new ArrayList<>(batch)));
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      await(clients.redis().batch(batch));
    }
  }

  private static int intArg(String[] args, String name, int dflt) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return dflt;
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
    }
  }
}
