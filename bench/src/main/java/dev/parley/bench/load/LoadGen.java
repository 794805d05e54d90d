package dev.parley.bench.load;

import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The load generator of issue 8: drives gateway nodes (or the relay baseline) through the Java client library
 * with many authenticated WebSocket devices spread over worker processes, and reports latency, throughput, errors
 * and delivery completeness. See bench/README.md for the scenarios, the figures and how they are measured.
 *
 * <pre>
 *   LoadGen run       --scenario idle|pairs|group|storm --target parley|relay|both [options]
 *   LoadGen provision --scenario … --connections N         (fixture only; idempotent)
 *   LoadGen worker    --plan FILE --index I --count N      (spawned by run)
 * </pre>
 */
public final class LoadGen {
  static final String HELP = """
      LoadGen run [options]    run a scenario; outputs under --out (default .parley/bench/runs/<time>-<scenario>-<target>)
      LoadGen provision [opts] write the fixture set into PostgreSQL (idempotent) and its manifest under .parley/bench/
        --scenario S           idle | pairs | group | storm (default pairs)
        --target T             parley | relay | both (relay baseline first, then parley, with ratios; default parley)
        --gateways URLS        comma-separated gateway WebSocket URLs (default ws://127.0.0.1:8091/ws,ws://127.0.0.1:8092/ws)
        --api URL              api base URL for history (default http://127.0.0.1:8080)
        --relay-url URL        a relay already running (default: the run starts its own relay JVM)
        --connections N        devices (pairs/storm: N/2 one-on-one channels; idle: N idle sockets)
        --group-size N         group: members of the one channel, all online (default --connections)
        --senders K            group: members that send (default 1)
        --rate R               total offered messages/s, open loop (defaults: pairs 50, group 2, storm 20, idle 0)
        --duration S / --warmup S   measured seconds / seconds before them not measured (default 10 / 5; a fresh JVM needs
                               a few seconds of JIT before its figures mean anything)
        --drain S              after sending: wait up to S for outstanding deliveries (default 15)
        --payload B            payload bytes (default 100)
        --workers W            worker JVMs (default one per 5,000 devices); --worker-heap (default 384m)
        --connect-timeout S    all devices must be connected within S (default 120); --connect-concurrency per worker (64)
        --storm-after S        storm: drop every socket S after the warm-up (default 3)
        --storm-trigger T      client (the generator closes every socket) | external (you kill a gateway)
        --hold                 after connecting, hold until <out>/stop exists or Enter (idle memory measurements)
        --fixture NAME         fixture set name (default <layout>-<size>); --keys-dir (default $PARLEY_AUTH_KEYS_DIR
                               or .parley/secrets/jwt); --home (default $PARLEY_HOME or .parley)
        --label TEXT           a label for the reports; --quiet: no progress line
        --allow-remote         allow non-loopback targets (refused by default)
      """;

  private LoadGen() {
  }

  public static void main(String[] args) throws Exception {
    List<String> list = Arrays.asList(args);
    String cmd = list.isEmpty() || list.get(0).startsWith("--") ? "run" : list.get(0);
    List<String> rest = list.isEmpty() || list.get(0).startsWith("--") ? list : list.subList(1, list.size());
    if (list.contains("--help") || list.contains("-h")) {
      System.out.println(HELP);
      return;
    }
    try {
      switch (cmd) {
        case "run" -> System.exit(run(LoadOptions.parse(rest)));
        case "provision" -> provision(LoadOptions.parse(rest));
        case "worker" -> worker(rest);
        default -> throw new IllegalArgumentException("unknown command '" + cmd + "' (run, provision, worker)");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("[load] ERROR: " + e.getMessage());
      System.exit(2);
    } catch (dev.parley.shared.config.ConfigException e) {
      System.err.println("[load] ERROR: " + e.getMessage() + " — for the local cluster: eval \"$(scripts/infra env)\"");
      System.exit(2);
    } catch (IllegalStateException | java.io.IOException e) {
      System.err.println("[load] ERROR: " + e.getMessage());
      System.exit(1);
    }
    System.exit(0);
  }

  /** Runs the scenario(s), writes the outputs; exit code 0, or 1 when the run itself went wrong. */
  public static int run(LoadOptions opts) throws Exception {
    if ("both".equals(opts.target())) {
      JsonObject relay = runOne(opts.forTarget("relay", opts.out().resolve("relay").toString()));
      JsonObject parley = runOne(opts.forTarget("parley", opts.out().resolve("parley").toString()));
      String table = Report.compare(relay, parley, opts.out());
      System.out.println(Report.heading(parley));
      System.out.println(table);
      Coordinator.say("outputs: " + opts.out() + "/{summary.md,result.json} and {relay,parley}/report.html");
      return relay.getJsonArray("failures").isEmpty() && parley.getJsonArray("failures").isEmpty() ? 0 : 1;
    }
    JsonObject result = runOne(opts);
    System.out.println(Report.heading(result));
    System.out.println(Report.table(List.of(result), List.of(result.getString("target")), false));
    Coordinator.say("outputs: " + opts.out() + "/{summary.md,result.json,report.html}");
    return result.getJsonArray("failures").isEmpty() ? 0 : 1;
  }

  static JsonObject runOne(LoadOptions opts) throws Exception {
    JsonObject result = new Coordinator(opts).run();
    Report.write(result, opts.out());
    return result;
  }

  private static void provision(LoadOptions opts) throws Exception {
    LoadOptions o = LoadOptions.fromJson(opts.toJson().put("workers", 0));
    Manifest m = Manifest.build(o.fixture(), o.layout(), o.connections());
    m.write(Manifest.file(o.home(), o.fixture()));
    if (!o.relay()) {
      Provisioner.fromEnvironment(o.keysDir(), m);
    }
    Coordinator.say("manifest " + Manifest.file(o.home(), o.fixture()));
  }

  private static void worker(List<String> args) throws Exception {
    String plan = null;
    int index = 0;
    int count = 1;
    for (int i = 0; i + 1 < args.size(); i += 2) {
      switch (args.get(i)) {
        case "--plan" -> plan = args.get(i + 1);
        case "--index" -> index = Integer.parseInt(args.get(i + 1));
        case "--count" -> count = Integer.parseInt(args.get(i + 1));
        default -> throw new IllegalArgumentException("worker: unknown option " + args.get(i));
      }
    }
    if (plan == null) {
      throw new IllegalArgumentException("worker needs --plan FILE");
    }
    JsonObject p = new JsonObject(Files.readString(Path.of(plan)));
    LoadOptions opts = LoadOptions.fromJson(p.getJsonObject("options"));
    Manifest m = Manifest.read(Path.of(p.getString("manifest")));
    new Worker(opts, m, index, count, WorkerLink.stdio()).run();
  }
}
