package dev.parley.bench.load;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The load generator's settings, parsed once from {@code --key value} arguments with every default resolved, and
 * carried to worker processes as JSON (so a worker sees exactly what the coordinator saw). See {@link LoadGen} for
 * the meaning of each option.
 */
public final class LoadOptions {
  public static final Set<String> SCENARIOS = Set.of("idle", "pairs", "group", "storm");
  private static final Pattern FIXTURE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern HEAP_SIZE = Pattern.compile("[1-9][0-9]{0,6}[kKmMgG]?");
  private static final Set<String> FLAGS = Set.of("hold", "allow-remote", "in-process", "no-provision", "quiet");
  private static final Set<String> KEYS = Set.of("scenario", "target", "gateways", "api", "relay-url", "connections",
      "rate", "duration", "warmup", "group-size", "senders", "workers", "worker-heap", "payload", "out", "fixture",
      "keys-dir", "drain", "connect-timeout", "connect-concurrency", "storm-after", "storm-trigger", "max-hold",
      "relay-drop-every", "relay-dup-every", "relay-lose-every", "relay-heap", "home", "label");

  private final JsonObject json;

  private LoadOptions(JsonObject json) {
    this.json = json;
  }

  public static LoadOptions fromJson(JsonObject json) {
    return new LoadOptions(json.copy());
  }

  public JsonObject toJson() {
    return json.copy();
  }

  /** Parses and validates arguments; throws {@link IllegalArgumentException} with a message naming the option. */
  public static LoadOptions parse(List<String> args) {
    JsonObject raw = new JsonObject();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + a + "' (options are --name value)");
      }
      String key = a.substring(2);
      int eq = key.indexOf('=');
      if (eq > 0) {
        raw.put(key.substring(0, eq), key.substring(eq + 1));
      } else if (FLAGS.contains(key)) {
        raw.put(key, true);
      } else if (KEYS.contains(key)) {
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException("option --" + key + " needs a value");
        }
        raw.put(key, args.get(++i));
      } else {
        throw new IllegalArgumentException("unknown option --" + key + " (see: LoadGen --help)");
      }
    }
    for (String k : raw.fieldNames()) {
      if (!FLAGS.contains(k) && !KEYS.contains(k)) {
        throw new IllegalArgumentException("unknown option --" + k);
      }
    }
    return resolve(raw);
  }

  private static LoadOptions resolve(JsonObject raw) {
    String scenario = raw.getString("scenario", "pairs");
    if (!SCENARIOS.contains(scenario)) {
      throw new IllegalArgumentException("--scenario must be one of " + SCENARIOS + ", not '" + scenario + "'");
    }
    String target = raw.getString("target", "parley");
    if (!Set.of("parley", "relay", "both").contains(target)) {
      throw new IllegalArgumentException("--target must be parley, relay or both, not '" + target + "'");
    }
    JsonObject o = new JsonObject().put("scenario", scenario).put("target", target);
    int defaultConnections = switch (scenario) {
      case "idle", "storm" -> 1000;
      default -> 100;
    };
    int connections = intOpt(raw, "connections", defaultConnections, 1, 200_000);
    if ((scenario.equals("pairs") || scenario.equals("storm")) && connections % 2 != 0) {
      connections++;
    }
    o.put("connections", connections);
    int groupSize = intOpt(raw, "group-size", scenario.equals("group") ? connections : 0, 0, 100_000);
    if (scenario.equals("group")) {
      if (groupSize < 2) {
        throw new IllegalArgumentException("--group-size must be at least 2");
      }
      o.put("connections", groupSize);
    }
    o.put("groupSize", groupSize);
    o.put("senders", intOpt(raw, "senders", 1, 1, 1_000));
    double defaultRate = switch (scenario) {
      case "idle" -> 0;
      case "group" -> 2;
      case "storm" -> 20;
      default -> 50;
    };
    o.put("rate", doubleOpt(raw, "rate", defaultRate, 0, 1_000_000));
    o.put("duration", doubleOpt(raw, "duration", 10, 0, 86_400));
    o.put("warmup", doubleOpt(raw, "warmup", scenario.equals("idle") ? 0 : 5, 0, 3_600));
    o.put("drain", doubleOpt(raw, "drain", 15, 0, 3_600));
    o.put("payload", intOpt(raw, "payload", 100, Payloads.HEADER + 4, 60_000));
    int workers = intOpt(raw, "workers", Math.max(1, (o.getInteger("connections") + 4_999) / 5_000), 1, 64);
    o.put("workers", workers);
    o.put("workerHeap", heapOpt(raw, "worker-heap", "384m"));
    o.put("relayHeap", heapOpt(raw, "relay-heap", "512m"));
    o.put("connectTimeout", doubleOpt(raw, "connect-timeout", 120, 1, 3_600));
    o.put("connectConcurrency", intOpt(raw, "connect-concurrency", 64, 1, 10_000));
    o.put("stormAfter", doubleOpt(raw, "storm-after", 3, 0, 3_600));
    String trigger = raw.getString("storm-trigger", "client");
    if (!Set.of("client", "external").contains(trigger)) {
      throw new IllegalArgumentException("--storm-trigger must be client or external");
    }
    o.put("stormTrigger", trigger);
    o.put("maxHold", doubleOpt(raw, "max-hold", 3_600, 1, 86_400));
    o.put("hold", raw.getBoolean("hold", false));
    o.put("quiet", raw.getBoolean("quiet", false));
    o.put("inProcess", raw.getBoolean("in-process", false));
    o.put("noProvision", raw.getBoolean("no-provision", false));
    o.put("relayDropEvery", intOpt(raw, "relay-drop-every", 0, 0, 1_000_000));
    o.put("relayDupEvery", intOpt(raw, "relay-dup-every", 0, 0, 1_000_000));
    o.put("relayLoseEvery", intOpt(raw, "relay-lose-every", 0, 0, 1_000_000));
    String home = raw.getString("home", System.getenv().getOrDefault("PARLEY_HOME", ".parley"));
    o.put("home", Path.of(home).toAbsolutePath().normalize().toString());
    o.put("gateways", Arrays.asList(raw.getString("gateways", "ws://127.0.0.1:8091/ws,ws://127.0.0.1:8092/ws")
        .split(",")));
    o.put("api", raw.getString("api", "http://127.0.0.1:8080"));
    o.put("relayUrl", raw.getString("relay-url", ""));
    String keys = raw.getString("keys-dir", System.getenv().getOrDefault("PARLEY_AUTH_KEYS_DIR",
        Path.of(o.getString("home"), "secrets", "jwt").toString()));
    o.put("keysDir", keys);
    String layout = scenario.equals("storm") ? "pairs" : scenario;
    int size = scenario.equals("group") ? groupSize : o.getInteger("connections");
    String fixture = raw.getString("fixture", layout + "-" + size);
    if (!FIXTURE_NAME.matcher(fixture).matches()) {
      // It names a file under .parley/bench/fixtures/ and seeds the fixture's ids.
      throw new IllegalArgumentException("--fixture must be 1 to 64 letters, digits, '-' or '_', not '" + fixture + "'");
    }
    o.put("fixture", fixture);
    o.put("label", raw.getString("label", ""));
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    o.put("out", Path.of(raw.getString("out", Path.of(o.getString("home"), "bench", "runs",
        stamp + "-" + scenario + "-" + target).toString())).toAbsolutePath().normalize().toString());
    LoadOptions opts = new LoadOptions(o);
    if (!raw.getBoolean("allow-remote", false)) {
      opts.gateways().forEach(u -> requireLoopback(u, "--gateways"));
      requireLoopback(opts.api(), "--api");
      if (!opts.relayUrl().isEmpty()) {
        requireLoopback(opts.relayUrl(), "--relay-url");
      }
    }
    return opts;
  }

  private static void requireLoopback(String url, String option) {
    String host;
    try {
      host = URI.create(url.trim()).getHost();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": '" + url + "' is not a URL");
    }
    if (host == null || !(host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1"))) {
      throw new IllegalArgumentException(option + ": " + url + " is not a loopback address; the load generator only "
          + "drives local targets unless --allow-remote is given");
    }
  }

  private static int intOpt(JsonObject raw, String key, int fallback, int min, int max) {
    double d = doubleOpt(raw, key, fallback, min, max);
    if (d != Math.rint(d)) {
      throw new IllegalArgumentException("--" + key + " must be a whole number, not " + raw.getValue(key));
    }
    return (int) d;
  }

  /** A JVM heap size as -Xmx takes it (e.g. 384m, 2g): checked here, not by a worker JVM failing to start. */
  private static String heapOpt(JsonObject raw, String key, String fallback) {
    String v = raw.getString(key, fallback);
    if (!HEAP_SIZE.matcher(v).matches()) {
      throw new IllegalArgumentException("--" + key + " must be a heap size such as 384m or 2g, not '" + v + "'");
    }
    return v;
  }

  private static double doubleOpt(JsonObject raw, String key, double fallback, double min, double max) {
    Object v = raw.getValue(key);
    double d;
    try {
      d = v == null ? fallback : Double.parseDouble(v.toString());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + key + " must be a number, not '" + v + "'");
    }
    if (d < min || d > max) {
      throw new IllegalArgumentException("--" + key + " must be between " + min + " and " + max + ", not " + d);
    }
    return d;
  }

  /** A copy aimed at one target (for --target both). */
  public LoadOptions forTarget(String target, String out) {
    JsonObject copy = json.copy().put("target", target).put("out", out);
    return new LoadOptions(copy);
  }

  public LoadOptions withRelayUrl(String url) {
    return new LoadOptions(json.copy().put("relayUrl", url));
  }

  public String scenario() { return json.getString("scenario"); }
  public String target() { return json.getString("target"); }
  public boolean relay() { return "relay".equals(target()); }
  public int connections() { return json.getInteger("connections"); }
  public int groupSize() { return json.getInteger("groupSize"); }
  public int senders() { return json.getInteger("senders"); }
  public double rate() { return json.getDouble("rate"); }
  public double duration() { return json.getDouble("duration"); }
  public double warmup() { return json.getDouble("warmup"); }
  public double drain() { return json.getDouble("drain"); }
  public int payload() { return json.getInteger("payload"); }
  public int workers() { return json.getInteger("workers"); }
  public String workerHeap() { return json.getString("workerHeap"); }
  public String relayHeap() { return json.getString("relayHeap"); }
  public double connectTimeout() { return json.getDouble("connectTimeout"); }
  public int connectConcurrency() { return json.getInteger("connectConcurrency"); }
  public double stormAfter() { return json.getDouble("stormAfter"); }
  public boolean externalStorm() { return "external".equals(json.getString("stormTrigger")); }
  public double maxHold() { return json.getDouble("maxHold"); }
  public boolean hold() { return json.getBoolean("hold"); }
  public boolean quiet() { return json.getBoolean("quiet"); }
  public boolean inProcess() { return json.getBoolean("inProcess"); }
  public boolean noProvision() { return json.getBoolean("noProvision"); }
  public int relayDropEvery() { return json.getInteger("relayDropEvery"); }
  public int relayDupEvery() { return json.getInteger("relayDupEvery"); }
  public int relayLoseEvery() { return json.getInteger("relayLoseEvery"); }
  public Path home() { return Path.of(json.getString("home")); }
  public List<String> gateways() { return json.getJsonArray("gateways").stream().map(Object::toString).map(String::trim).toList(); }
  public String api() { return json.getString("api"); }
  public String relayUrl() { return json.getString("relayUrl"); }
  public String keysDir() { return json.getString("keysDir"); }
  public String fixture() { return json.getString("fixture"); }
  public String label() { return json.getString("label"); }
  public Path out() { return Path.of(json.getString("out")); }

  /** The layout of devices and channels the scenario needs. */
  public Manifest.Layout layout() {
    return switch (scenario()) {
      case "idle" -> Manifest.Layout.IDLE;
      case "group" -> Manifest.Layout.GROUP;
      default -> Manifest.Layout.PAIRS;
    };
  }

  /** Devices with a sending schedule. */
  public int totalSenders() {
    return switch (scenario()) {
      case "idle" -> 0;
      case "group" -> Math.min(senders(), groupSize());
      default -> connections() / 2;
    };
  }
}
