package dev.parley.node;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster the web client's end-to-end test and benchmark run against: node "wc-a" (gateway, api serving
 * web/dist, discovery, presence) and node "wc-b" (gateway, message) in a private cluster, with their own etcd
 * prefix and gRPC ports, cheap password hashing and the sign-up/login limits lifted (every browser comes from
 * 127.0.0.1). The app's CSP lists both gateways.
 */
final class WebCluster {
  static final Path WEB = Path.of("..", "..", "web").toAbsolutePath().normalize();

  private WebCluster() {
  }

  static MessagePathFixture start(int hzPort) throws Exception {
    assertThat(WEB.resolve("dist/index.html")).as("web/dist is missing: run scripts/web build (scripts/test does)").exists();
    assertThat(WEB.resolve("node_modules/playwright-core")).as("web/node_modules is missing: run scripts/web build").exists();
    assertThat(Path.of("/usr/bin/chromium")).as("Chromium is missing: run scripts/web browser (scripts/test does)").exists();
    MessagePathFixture fx = new MessagePathFixture(hzPort);
    String kid;
    try (var files = Files.list(dev.parley.shared.it.ItConfig.keysDir())) {
      kid = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".private.pem")).findFirst()
          .orElseThrow().replace(".private.pem", "");
    }
    int gwA = NodeProcess.freePort();
    int gwB = NodeProcess.freePort();
    fx.gatewayPorts.put("wc-a", gwA);
    fx.gatewayPorts.put("wc-b", gwB);
    JsonObject shared = new JsonObject()
        .put("etcd", new JsonObject().put("keyPrefix", "/parley-it/" + UUID.randomUUID() + "/"))
        .put("discovery", new JsonObject().put("port", NodeProcess.freePort()))
        .put("presence", new JsonObject().put("port", NodeProcess.freePort()))
        // The gateways' WebSocket Origin allow-list (issue 18, edge.allowedOrigins): the app's origin is the api's.
        .put("edge", new JsonObject().put("allowedOrigins", new JsonArray().add("http://127.0.0.1:" + fx.apiPort)));
    JsonObject a = shared.copy()
        .put("auth", new JsonObject().put("signingKeyId", kid)
            .put("passwordHashing", new JsonObject().put("memoryKib", 1024).put("iterations", 1)))
        .put("api", new JsonObject().put("port", fx.apiPort).put("rateLimit", new JsonObject()
            .put("loginPerAccount", 100_000).put("loginPerAddress", 100_000).put("signupPerAddress", 100_000)
            .put("loginPerAccountAndAddress", 100_000)))
        .put("media", new JsonObject().put("dataDir", Path.of("target", "web-media").toAbsolutePath().toString()))
        .put("web", new JsonObject().put("root", WEB.resolve("dist").toString())
            .put("connectSrc", new JsonArray().add("ws://127.0.0.1:" + gwA).add("ws://127.0.0.1:" + gwB)));
    NodeProcess na = NodeProcess.start("wc-a", fx.cluster, fx.hzPort, List.of("gateway", "api", "discovery", "presence"),
        fx.nodeConf(gwA, a));
    fx.nodes.put("wc-a", na);
    NodeProcess nb = NodeProcess.start("wc-b", fx.cluster, fx.hzPort, List.of("gateway", "message"),
        fx.nodeConf(gwB, shared.copy()));
    fx.nodes.put("wc-b", nb);
    fx.awaitReady(na, nb);
    return fx;
  }

  /** Runs a Node script of web/ to its end (bounded), its stdout to the caller, stderr to {@code log}. */
  static Process node(String script, Path log, java.util.Map<String, String> env) throws java.io.IOException {
    ProcessBuilder pb = new ProcessBuilder("node", script).directory(WEB.toFile()).redirectError(log.toFile());
    pb.environment().putAll(env);
    return pb.start();
  }
}
