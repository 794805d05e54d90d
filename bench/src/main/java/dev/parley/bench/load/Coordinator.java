package dev.parley.bench.load;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs one scenario against one target: prepares the fixture (provisioning PostgreSQL for Parley), starts the relay
 * baseline when it is the target, spawns the worker JVMs (same classpath, bounded heap, a slice of the devices
 * each), paces the run (connect → common start → storm drop → drain → stop), prints a progress line every second
 * and merges the workers' results. Every phase has a deadline.
 */
public final class Coordinator {
  private final LoadOptions opts;
  private final BlockingQueue<WorkerLink.Report> reports = new LinkedBlockingQueue<>();
  private final List<WorkerLink.Handle> workers = new ArrayList<>();
  private final Map<Integer, JsonObject> lastProgress = new HashMap<>();
  private final Map<Integer, JsonObject> finals = new HashMap<>();
  private final Map<Integer, JsonObject> readies = new HashMap<>();
  private final Results results;
  private final List<String> failures = new ArrayList<>();
  private RelayProcess relay;
  private long nextLine;
  private long lineSent;
  private long lineDelivered;
  private long lineErrors;
  private long t0Us = -1;

  public Coordinator(LoadOptions opts) {
    this.opts = opts;
    this.results = new Results(opts);
  }

  public static void say(String line) {
    System.err.println("[load] " + line);
  }

  /** Runs the scenario; returns the merged result (also written to the output folder by the caller). */
  public JsonObject run() throws Exception {
    Files.createDirectories(opts.out());
    Manifest manifest = Manifest.build(opts.fixture(), opts.layout(), opts.connections());
    Path manifestFile = Manifest.file(opts.home(), opts.fixture());
    manifest.write(manifestFile);
    JsonObject meta = new JsonObject().put("scenario", opts.scenario()).put("target", opts.target())
        .put("label", opts.label()).put("startedAt", Instant.now().toString()).put("options", opts.toJson())
        .put("fixture", opts.fixture()).put("loadAverageAtStart", loadAverage())
        .put("cores", Runtime.getRuntime().availableProcessors());
    LoadOptions run = opts;
    // A coordinator stopped by a signal (Ctrl-C, kill) must not leave its relay and worker JVMs behind.
    Thread reaper = new Thread(this::killChildren, "reap-children");
    Runtime.getRuntime().addShutdownHook(reaper);
    try {
      if (!opts.relay() && !opts.noProvision()) {
        Provisioner.fromEnvironment(opts.keysDir(), manifest);
      }
      if (opts.relay() && opts.relayUrl().isEmpty()) {
        relay = RelayProcess.start(opts, manifestFile);
        run = opts.withRelayUrl(relay.url());
      }
      meta.put("relayUrl", run.relayUrl());
      spawn(run, manifest, manifestFile);
      pace(meta);
      meta.put("loadAverageAtEnd", loadAverage()).put("failures", new io.vertx.core.json.JsonArray(failures));
      List<JsonObject> fin = new ArrayList<>(finals.values());
      if (fin.size() < workers.size()) {
        failures.add((workers.size() - fin.size()) + " of " + workers.size() + " workers sent no result");
        meta.put("failures", new io.vertx.core.json.JsonArray(failures));
      }
      return results.merge(fin, meta);
    } finally {
      workers.forEach(w -> w.finish(20_000));
      if (relay != null) {
        relay.stop();
      }
      try {
        Runtime.getRuntime().removeShutdownHook(reaper);
      } catch (IllegalStateException e) {
        // already shutting down: the hook runs
      }
    }
  }

  private void killChildren() {
    workers.forEach(w -> w.finish(0));
    if (relay != null) {
      relay.stop();
    }
  }

  private void spawn(LoadOptions run, Manifest manifest, Path manifestFile) throws IOException {
    Path plan = opts.out().resolve("plan.json");
    Files.writeString(plan, new JsonObject().put("options", run.toJson()).put("manifest", manifestFile.toString()).encodePrettily());
    for (int i = 0; i < run.workers(); i++) {
      int index = i;
      if (run.inProcess()) {
        workers.add(WorkerLink.inProcess(i, reports, ep -> new Worker(run, manifest, index, run.workers(), ep).run()));
      } else {
        List<String> cmd = List.of(java(), "-Xmx" + run.workerHeap(), "-Xss512k", "-Dio.netty.jfr.enabled=false",
            "-cp", System.getProperty("java.class.path"), LoadGen.class.getName(), "worker", "--plan", plan.toString(),
            "--index", Integer.toString(i), "--count", Integer.toString(run.workers()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        workers.add(WorkerLink.process(i, p, reports));
      }
    }
    say("started " + run.workers() + " worker" + (run.workers() == 1 ? "" : "s") + " for " + opts.connections()
        + " devices (" + opts.scenario() + " against " + (run.relay() ? "the relay " + run.relayUrl()
        : "parley " + String.join(" ", run.gateways())) + ")");
  }

  private void pace(JsonObject meta) throws InterruptedException {
    long connectDeadline = System.currentTimeMillis() + (long) (opts.connectTimeout() * 1000) + 90_000;
    pump(() -> readies.size() + failedOrExited() >= workers.size(), connectDeadline);
    int connected = readies.values().stream().mapToInt(r -> r.getInteger("connected", 0)).sum();
    meta.put("connectedAtStart", connected);
    if (readies.size() < workers.size()) {
      failures.add("only " + readies.size() + " of " + workers.size() + " workers got ready");
      broadcast(new JsonObject().put("cmd", "stop"));
      pump(() -> finals.size() + failedOrExited() >= workers.size(), System.currentTimeMillis() + 30_000);
      return;
    }
    say("connected " + connected + " of " + opts.connections() + " devices; starting");
    t0Us = MicroClock.nowMicros() + 1_000_000;
    meta.put("t0Us", t0Us);
    broadcast(new JsonObject().put("cmd", "start").put("t0Us", t0Us));
    long startMs = System.currentTimeMillis() + 1000;
    long endMs = startMs + (long) ((opts.warmup() + opts.duration()) * 1000);
    if ("storm".equals(opts.scenario()) && !opts.externalStorm()) {
      long dropAt = startMs + (long) ((opts.warmup() + opts.stormAfter()) * 1000);
      pump(() -> false, dropAt);
      say("storm: dropping every connection now");
      broadcast(new JsonObject().put("cmd", "drop"));
    }
    if (opts.hold()) {
      Path stop = opts.out().resolve("stop");
      say("holding " + connected + " connections until " + stop + " exists or Enter is pressed (at most "
          + (long) opts.maxHold() + " s)");
      try {
        Files.writeString(opts.out().resolve("holding"), connected + "\n");
      } catch (IOException e) {
        say("cannot write " + opts.out().resolve("holding") + ": " + e.getMessage());
      }
      // Only an interactive terminal is watched: a script's stdin is often /dev/null (at EOF at once).
      Thread stdin = System.console() != null ? stdinWatcher() : null;
      pump(() -> Files.exists(stop) || (stdin != null && !stdin.isAlive()),
          System.currentTimeMillis() + (long) (opts.maxHold() * 1000));
    } else {
      pump(() -> false, endMs);
    }
    long drainEnd = System.currentTimeMillis() + (long) (opts.drain() * 1000);
    pump(this::drained, drainEnd);
    if (!drained()) {
      say("drain period over with deliveries or acks still outstanding (they count as missing)");
    }
    broadcast(new JsonObject().put("cmd", "stop"));
    pump(() -> finals.size() + failedOrExited() >= workers.size(), System.currentTimeMillis() + 60_000);
  }

  private boolean drained() {
    long delivered = sum("totalDelivered");
    long expected = sum("expectedDeliveries");
    long pending = sum("totalSent") - sum("totalAcked") - sum("totalFailed");
    boolean back = !"storm".equals(opts.scenario()) || sum("connected") >= opts.connections();
    return delivered >= expected && pending <= 0 && back;
  }

  private long sum(String key) {
    return lastProgress.values().stream().mapToLong(p -> p.getLong(key, 0L)).sum();
  }

  private int failedOrExited() {
    return (int) java.util.stream.IntStream.range(0, workers.size())
        .filter(i -> !workers.get(i).alive() && !finals.containsKey(i)).count();
  }

  private void broadcast(JsonObject cmd) {
    workers.forEach(w -> w.send(cmd));
  }

  /** Handles reports until {@code done} or {@code deadlineMs}, printing the progress line every second. */
  private void pump(BooleanSupplier done, long deadlineMs) throws InterruptedException {
    while (!done.getAsBoolean() && System.currentTimeMillis() < deadlineMs) {
      WorkerLink.Report r = reports.poll(Math.max(1, Math.min(200, deadlineMs - System.currentTimeMillis())),
          TimeUnit.MILLISECONDS);
      if (r != null) {
        handle(r);
      }
      line();
    }
  }

  private void handle(WorkerLink.Report r) {
    JsonObject b = r.body();
    switch (b.getString("type", "")) {
      case "progress" -> {
        lastProgress.put(r.worker(), b);
        results.progress(r.worker(), b);
        lineSent += b.getLong("sent", 0L);
        lineDelivered += b.getLong("delivered", 0L);
        lineErrors += b.getLong("errors", 0L);
      }
      case "ready" -> readies.put(r.worker(), b);
      case "result" -> finals.put(r.worker(), b);
      case "failed" -> {
        failures.add("worker " + r.worker() + ": " + b.getString("message"));
        say("worker " + r.worker() + " failed: " + b.getString("message"));
      }
      case "exit" -> {
        if (b.getInteger("code", 0) != 0) {
          failures.add("worker " + r.worker() + " exited with code " + b.getInteger("code"));
        }
      }
      default -> { }
    }
  }

  private void line() {
    long now = System.currentTimeMillis();
    if (now < nextLine) {
      return;
    }
    double secs = nextLine == 0 ? 1 : Math.max(1, (now - nextLine + 1000) / 1000.0);
    nextLine = now + 1000;
    if (opts.quiet()) {
      return;
    }
    String t = t0Us < 0 ? "connecting" : String.format("t=%+.0fs", (MicroClock.nowMicros() - t0Us) / 1e6);
    say(String.format("%s connected %d/%d | sent %.0f/s delivered %.0f/s | p99 %.1f ms so far | errors %d", t,
        sum("connected"), opts.connections(), lineSent / secs, lineDelivered / secs, results.p99SoFarMs(), lineErrors));
    lineSent = 0;
    lineDelivered = 0;
    lineErrors = 0;
  }

  private static Thread stdinWatcher() {
    Thread t = new Thread(() -> {
      try {
        System.in.read();
      } catch (IOException ignored) {
        // treated like a line: stop holding
      }
    }, "stdin-watch");
    t.setDaemon(true);
    t.start();
    return t;
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return String.valueOf(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static <T> T await(Future<T> f, long ms) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(ms, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }
}
