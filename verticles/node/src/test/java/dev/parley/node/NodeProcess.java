package dev.parley.node;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real node JVM started from the shaded jar, as an operator would start it. Test-only; blocking helpers
 * with bounded waits (every loop has a deadline).
 */
final class NodeProcess implements AutoCloseable {
  static final Path JAR = Path.of("target", "parley-node.jar");

  final String id;
  final int opsPort;
  final Path log;
  private final Process process;

  private NodeProcess(String id, int opsPort, Path log, Process process) {
    this.id = id;
    this.opsPort = opsPort;
    this.log = log;
    this.process = process;
  }

  /** Starts a node in cluster {@code clusterName} with the given roles and extra -conf JSON. */
  /** The operator token of this test run's nodes (edge.opsAdminToken): random, like the one scripts/nodes makes. */
  static final String OPS_TOKEN = java.util.HexFormat.of().formatHex(randomBytes());

  private static byte[] randomBytes() {
    byte[] b = new byte[24];
    new java.security.SecureRandom().nextBytes(b);
    return b;
  }

  static NodeProcess start(String id, String clusterName, int hazelcastPort, List<String> roles, JsonObject extraConf)
      throws IOException {
    return start(id, clusterName, hazelcastPort, roles, extraConf, Map.of());
  }

  /** Like {@link #start(String, String, int, List, JsonObject)} with extra environment variables (they win over -conf). */
  static NodeProcess start(String id, String clusterName, int hazelcastPort, List<String> roles, JsonObject extraConf,
                           Map<String, String> extraEnv) throws IOException {
    int opsPort = freePort();
    JsonObject conf = new JsonObject().put("node", new JsonObject().put("id", id).put("roles", roles).put("opsPort", opsPort));
    conf.mergeIn(extraConf, true);
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx200m", "-Dparley.node=" + id, "-jar", JAR.toString(),
        "-cluster", "-cluster-host", "127.0.0.1", "-cluster-port", String.valueOf(freePort()), "-conf", conf.encode()));
    Path log = Path.of("target", "node-" + id + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("PARLEY_CLUSTER_NAME", clusterName);
    env.put("PARLEY_CLUSTER_PORT", String.valueOf(hazelcastPort));
    env.put("PARLEY_EDGE_OPS_ADMIN_TOKEN", OPS_TOKEN);
    env.putAll(extraEnv);
    return new NodeProcess(id, opsPort, log, pb.start());
  }

  /** GET on the ops port: status code and body; -1 when nothing answers. */
  Response get(String path) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + opsPort + path).toURL().openConnection();
      c.setConnectTimeout(2_000);
      c.setReadTimeout(10_000);
      int status = c.getResponseCode();
      var in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new Response(status, body);
    } catch (IOException e) {
      return new Response(-1, e.toString());
    }
  }

  /** Polls {@code path} until {@code until} holds, failing with the last answer and the log tail on timeout. */
  Response await(String path, Predicate<Response> until, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    Response last = null;
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new AssertionError("node " + id + " exited with " + process.exitValue() + "; log:\n" + logTail());
      }
      last = get(path);
      if (until.test(last)) {
        return last;
      }
      pause(300);
    }
    throw new AssertionError("node " + id + ": " + path + " never satisfied the condition within " + timeout
        + "; last answer " + last + "; log:\n" + logTail());
  }

  boolean waitForExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  int exitValue() {
    return process.exitValue();
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** The node JVM's process id (benchmarks read its RSS from /proc). */
  long pid() {
    return process.pid();
  }

  /** kill -9: no shutdown hooks, the cluster must notice on its own. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        kill();
      }
    }
  }

  record Response(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  /**
   * A port that is free now, taken from 10000–19999: below the kernel's ephemeral range (32768–60999 here), so no
   * outgoing connection of the test JVM or of the services (Kafka, Cassandra, Hazelcast clients) can take it between
   * this check and the node binding it — which ports from {@code new ServerSocket(0)} suffered under load. Each
   * JVM starts at a random offset and walks forward, so two calls never hand out the same port.
   */
  static synchronized int freePort() throws IOException {
    for (int i = 0; i < PORT_SPAN; i++) {
      int port = PORT_BASE + (nextPort++ % PORT_SPAN);
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return port;
      } catch (IOException taken) {
        // in use: try the next one
      }
    }
    throw new IOException("no free port in " + PORT_BASE + "-" + (PORT_BASE + PORT_SPAN - 1));
  }

  private static final int PORT_BASE = 10_000;
  private static final int PORT_SPAN = 10_000;
  private static int nextPort = ThreadLocalRandom.current().nextInt(PORT_SPAN);

  static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
