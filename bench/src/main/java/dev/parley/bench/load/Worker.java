package dev.parley.bench.load;

import dev.parley.protocol.ChainHash;
import dev.parley.client.Message;
import dev.parley.client.RestApi;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One load-generator process (or, in tests, thread): its slice of the fixture's devices, connected through the
 * Java client library. Talks to the coordinator through a {@link WorkerLink.Endpoint}: reports {@code hello},
 * {@code progress} (every second), {@code ready} (all connected and tracking their channels) and {@code result};
 * obeys {@code start} (send from the common t0), {@code drop} (close every socket, reconnect-storm) and
 * {@code stop}. The main thread only orchestrates and may block; the network work runs on the event loops.
 * Slices keep a pair's two devices in the same worker, so a 1-on-1 message never crosses processes' clocks.
 */
public final class Worker {
  private static final long HEAD_TIMEOUT_MS = 60_000;
  private static final int EVENT_LOOPS = Math.max(2, Runtime.getRuntime().availableProcessors());

  private final LoadOptions opts;
  private final Manifest manifest;
  private final int index;
  private final int count;
  private final WorkerLink.Endpoint link;
  private final WorkerStats stats = new WorkerStats();
  private final List<Device> devices = new ArrayList<>();
  private long t0Us = -1;

  public Worker(LoadOptions opts, Manifest manifest, int index, int count, WorkerLink.Endpoint link) {
    this.opts = opts;
    this.manifest = manifest;
    this.index = index;
    this.count = count;
    this.link = link;
  }

  public void run() {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(EVENT_LOOPS).setBlockedThreadCheckInterval(10_000));
    try {
      run(vertx);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      link.emit(new JsonObject().put("type", "failed").put("message", "interrupted"));
    } catch (RuntimeException e) {
      link.emit(new JsonObject().put("type", "failed").put("message", String.valueOf(e.getMessage())));
    } finally {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // the process is ending anyway
      }
    }
  }

  private void run(Vertx vertx) throws InterruptedException {
    slice();
    link.emit(new JsonObject().put("type", "hello").put("worker", index).put("devices", devices.size()));
    WebClient web = WebClient.create(vertx, new WebClientOptions().setKeepAliveTimeout(30),
        new PoolOptions().setHttp1MaxSize(32));
    String rest = opts.relay() ? opts.relayUrl().replaceFirst("^ws", "http").replaceFirst("/ws$", "") : opts.api();
    Tokens tokens = opts.relay() ? Tokens.unsigned() : await(Tokens.signed(vertx, opts.keysDir(),
        System.getenv().getOrDefault("PARLEY_AUTH_ISSUER", "parley"),
        System.getenv().getOrDefault("PARLEY_AUTH_AUDIENCE", "parley")), 30_000);
    Map<UUID, String> tokenOf = new HashMap<>();
    List<Context> loops = eventLoops(vertx);
    for (int i = 0; i < devices.size(); i++) {
      Device d = devices.get(i);
      tokenOf.put(d.deviceId(), tokens.issue(d.user.userId(), d.user.deviceId()));
      await(d.create(vertx, loops.get(i % loops.size()), web, rest, tokenOf.get(d.deviceId())), 10_000);
    }
    Map<UUID, Message> heads = heads(new RestApi(web, rest), tokenOf);
    connectAll();
    track(heads);
    link.emit(new JsonObject().put("type", "ready").put("connected", stats.connected.get()).put("devices", devices.size()));
    commandLoop(vertx);
    // The shared WebClient closes with Vert.x: a client stuck behind a hole keeps re-fetching history until then.
    finish();
  }

  /**
   * One context per event loop (the contexts of a verticle's instances are spread over the loops, whereas
   * {@code getOrCreateContext} from one thread would put every device on the same loop).
   */
  private static List<Context> eventLoops(Vertx vertx) {
    List<Context> out = java.util.Collections.synchronizedList(new ArrayList<>());
    await(vertx.deployVerticle(() -> new io.vertx.core.VerticleBase() {
      @Override
      public Future<?> start() {
        out.add(context);
        return Future.succeededFuture();
      }
    }, new io.vertx.core.DeploymentOptions().setInstances(EVENT_LOOPS)), 10_000);
    return List.copyOf(out);
  }

  /** This worker's devices: channel j (pairs) / member i (group) / user i (idle) where j or i ≡ index (mod count). */
  private void slice() {
    List<String> gws = opts.relay() ? List.of(opts.relayUrl()) : opts.gateways();
    int senders = opts.totalSenders();
    switch (manifest.layout()) {
      case PAIRS -> {
        for (Manifest.Channel c : manifest.channels()) {
          if (c.index() % count != index) {
            continue;
          }
          int j = c.index();
          Device.Schedule s = opts.rate() > 0 ? new Device.Schedule(j, senders, opts.rate(), 1) : null;
          devices.add(new Device(c.members().get(0), manifest.users().get(c.members().get(0)), rotate(gws, j), c, s, stats));
          devices.add(new Device(c.members().get(1), manifest.users().get(c.members().get(1)), rotate(gws, j + 1), c, null,
              stats));
        }
      }
      case GROUP -> {
        Manifest.Channel c = manifest.channels().get(0);
        for (int i = 0; i < c.members().size(); i++) {
          if (i % count != index) {
            continue;
          }
          Device.Schedule s = i < senders && opts.rate() > 0
              ? new Device.Schedule(i, senders, opts.rate(), c.members().size() - 1) : null;
          devices.add(new Device(i, manifest.users().get(c.members().get(i)), rotate(gws, i), c, s, stats));
        }
      }
      case IDLE -> {
        for (Manifest.User u : manifest.users()) {
          if (u.index() % count == index) {
            devices.add(new Device(u.index(), u, rotate(gws, u.index()), null, null, stats));
          }
        }
      }
    }
  }

  /** The gateway list starting at {@code i mod n}: the device's own gateway first, the others for fail-over. */
  private static List<String> rotate(List<String> gws, int i) {
    List<String> out = new ArrayList<>(gws.size());
    for (int k = 0; k < gws.size(); k++) {
      out.add(gws.get((i + k) % gws.size()));
    }
    return out;
  }

  /** Each channel's latest message before the run: where its devices start tracking it (no full-history read). */
  private Map<UUID, Message> heads(RestApi rest, Map<UUID, String> tokenOf) throws InterruptedException {
    Map<UUID, String> tokenForChannel = new HashMap<>();
    for (Device d : devices) {
      if (d.channel != null) {
        tokenForChannel.putIfAbsent(d.channel.channelId(), tokenOf.get(d.deviceId()));
      }
    }
    return ChannelHeads.read(rest, tokenForChannel, HEAD_TIMEOUT_MS, opts.relay() ? "the relay" : opts.api());
  }

  private void connectAll() throws InterruptedException {
    Semaphore inFlight = new Semaphore(opts.connectConcurrency());
    long deadline = System.currentTimeMillis() + (long) (opts.connectTimeout() * 1000);
    long nextProgress = System.currentTimeMillis() + 1000;
    for (Device d : devices) {
      while (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
        if (System.currentTimeMillis() > deadline) {
          return;
        }
        nextProgress = progressIfDue(nextProgress);
      }
      d.connect().onComplete(ar -> inFlight.release());
      nextProgress = progressIfDue(nextProgress);
    }
    while (stats.connected.get() < devices.size() && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
      nextProgress = progressIfDue(nextProgress);
    }
  }

  /** Emits a progress report when due; during the run the reports fall on whole seconds after t0. */
  private long progressIfDue(long nextProgress) {
    long now = System.currentTimeMillis();
    if (now < nextProgress) {
      return nextProgress;
    }
    if (t0Us < 0) {
      link.emit(stats.progress(-1));
      return now + 1000;
    }
    long sinceT0 = MicroClock.nowMicros() - t0Us;
    long second = Math.round(sinceT0 / 1e6);
    link.emit(stats.progress(second));
    return now + Math.max(200, (second + 1) * 1000 - sinceT0 / 1000);
  }

  private void track(Map<UUID, Message> heads) {
    List<Future<Void>> all = new ArrayList<>();
    for (Device d : devices) {
      if (d.channel == null) {
        continue;
      }
      Message head = heads.get(d.channel.channelId());
      long seq = head == null ? 0 : head.seq();
      d.log = new ReceiverLog(d.channel.channelId(), d.index, seq);
      all.add(d.client.track(d.channel.channelId(), seq, head == null ? ChainHash.genesis() : head.hash()));
    }
    await(Future.all(all), 30_000);
  }

  private void commandLoop(Vertx vertx) throws InterruptedException {
    long nextProgress = System.currentTimeMillis() + 1000;
    long hardEnd = System.currentTimeMillis() + (long) ((opts.connectTimeout() + opts.warmup() + opts.duration()
        + opts.drain() + opts.maxHold() + 600) * 1000);
    while (System.currentTimeMillis() < hardEnd) {
      JsonObject cmd = link.poll(Math.max(1, Math.min(200, nextProgress - System.currentTimeMillis())));
      nextProgress = progressIfDue(nextProgress);
      if (cmd == null) {
        continue;
      }
      switch (cmd.getString("cmd", "")) {
        case "start" -> {
          start(vertx, cmd.getLong("t0Us"));
          nextProgress = t0Us / 1000 + 1000;
        }
        case "drop" -> devices.forEach(d -> d.client.disconnect());
        case "stop" -> {
          return;
        }
        default -> { }
      }
    }
  }

  private void start(Vertx vertx, long t0) {
    t0Us = t0;
    long windowStart = t0 + (long) (opts.warmup() * 1e6);
    long end = windowStart + (long) (opts.duration() * 1e6);
    stats.windowStartUs = windowStart;
    stats.windowEndUs = end;
    String runId = Long.toString(t0 / 1000, 36);
    for (Device d : devices) {
      if (d.schedule != null) {
        d.startSending(vertx, t0, end, runId, opts.payload());
      }
    }
  }

  private void finish() {
    devices.forEach(Device::stopSending);
    // Closing cuts history fetches in flight: the client library's warnings about them are noise from here on.
    // (A client stuck behind a hole re-fetches history on a timer; once Vert.x closes the HTTP client it throws.)
    for (String name : List.of("dev.parley.client", "io.vertx.core.impl.ContextImpl")) {
      if (org.slf4j.LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger l) {
        l.setLevel(name.startsWith("dev") ? ch.qos.logback.classic.Level.ERROR : ch.qos.logback.classic.Level.OFF);
      }
    }
    link.emit(stats.progress(t0Us < 0 ? -1 : (long) Math.ceil((MicroClock.nowMicros() - t0Us) / 1e6)));
    stats.stopping = true;
    List<Future<Void>> closes = new ArrayList<>();
    devices.forEach(d -> closes.add(d.client.close()));
    try {
      await(Future.join(closes), 15_000);
    } catch (RuntimeException e) {
      // some sockets did not close in time: the JVM ends anyway
    }
    link.emit(WorkerResult.of(index, devices, stats, t0Us, "storm".equals(opts.scenario())));
  }

  private static <T> T await(Future<T> f, long ms) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(ms, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("timed out after " + ms + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }
}
