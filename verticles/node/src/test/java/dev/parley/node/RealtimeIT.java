package dev.parley.node;

import dev.parley.shared.it.ItConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Service discovery and presence across real node JVMs: a control node (discovery + presence), an api node and
 * two gateways in a private cluster, on the real etcd, Redis and PostgreSQL. Short heartbeat (1 s, grace 2.5 s)
 * and lease TTL (3 s) keep it quick. One story, in order: login assigns a registered gateway; a subscriber sees
 * a co-member come online and is refused a stranger; kill -9 of a gateway takes it out of assignment within the
 * lease TTL and its user offline after the grace period; draining the other one tells its clients to reconnect.
 */
class RealtimeIT {
  private static final String CLUSTER = "it-rt-" + UUID.randomUUID();
  private static final int HZ_PORT = 29_701;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Vertx VERTX = Vertx.vertx();
  private static NodeProcess ctl;
  private static NodeProcess api;
  private static NodeProcess gwA;
  private static NodeProcess gwB;
  private static int apiPort;
  private static String urlA;
  private static String urlB;

  @BeforeAll
  static void startNodes() throws Exception {
    JsonObject common = new JsonObject()
        .put("auth", new JsonObject().put("keysDir", ItConfig.keysDir().toString()))
        .put("etcd", new JsonObject().put("keyPrefix", "/parley-it/" + UUID.randomUUID() + "/"))
        .put("discovery", new JsonObject().put("port", NodeProcess.freePort()).put("leaseTtlSeconds", 3).put("refreshMs", 1000))
        .put("presence", new JsonObject().put("port", NodeProcess.freePort()).put("heartbeatIntervalSeconds", 1)
            .put("graceFactor", 2.5).put("sweepIntervalMs", 100).put("reportFlushMs", 50));
    apiPort = NodeProcess.freePort();
    int portA = NodeProcess.freePort();
    int portB = NodeProcess.freePort();
    urlA = "ws://127.0.0.1:" + portA + "/ws";
    urlB = "ws://127.0.0.1:" + portB + "/ws";
    ctl = NodeProcess.start("rt-ctl", CLUSTER, HZ_PORT, List.of("discovery", "presence"), common.copy());
    api = NodeProcess.start("rt-api", CLUSTER, HZ_PORT, List.of("api"), common.copy()
        .put("api", new JsonObject().put("port", apiPort)));
    gwA = NodeProcess.start("rt-gw-a", CLUSTER, HZ_PORT, List.of("gateway"), common.copy()
        .put("gateway", new JsonObject().put("port", portA).put("publicUrl", urlA)));
    gwB = NodeProcess.start("rt-gw-b", CLUSTER, HZ_PORT, List.of("gateway"), common.copy()
        .put("gateway", new JsonObject().put("port", portB).put("publicUrl", urlB)));
    for (NodeProcess n : List.of(ctl, api, gwA, gwB)) {
      n.await("/ready", r -> r.status() == 200, Duration.ofSeconds(120));
    }
  }

  @AfterAll
  static void stopNodes() throws Exception {
    for (NodeProcess n : new NodeProcess[] {gwA, gwB, api, ctl}) {
      if (n != null) {
        n.close();
      }
    }
    VERTX.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("login assigns a live gateway; presence flows between co-members only; a killed gateway leaves "
      + "assignment within the lease TTL; a drained one sends its clients elsewhere")
  void discoveryAndPresenceAcrossNodes() throws Exception {
    JsonObject alice = signupAndLogin("alice");
    JsonObject bob = signupAndLogin("bob");
    JsonObject carol = signupAndLogin("carol");
    for (JsonObject login : List.of(alice, bob, carol)) {
      assertThat(Set.of(urlA, urlB)).contains(login.getJsonObject("gateway").getString("url"));
    }
    JsonObject dm = call("POST", "/v1/channels/dm", alice, new JsonObject().put("userId", bob.getString("userId")));
    assertThat(dm.getString("channelId")).isNotBlank();

    List<JsonObject> bobFrames = new CopyOnWriteArrayList<>();
    AtomicInteger bobClose = new AtomicInteger();
    connect(urlA, bob, bobFrames, bobClose);
    WebSocket bobSocket = lastSocket;
    awaitFrame(bobFrames, f -> f.getString("type").equals("ready"), Duration.ofSeconds(10));
    bobSocket.writeTextMessage(new JsonObject().put("type", "presence.subscribe").put("id", 1)
        .put("userIds", new JsonArray().add(alice.getString("userId")).add(carol.getString("userId"))).encode());
    JsonObject subscribed = awaitFrame(bobFrames, f -> f.getString("type").equals("presence.subscribed"), Duration.ofSeconds(10));
    assertThat(subscribed.getJsonArray("denied").getList()).containsExactly(carol.getString("userId"));
    assertThat(subscribed.getJsonArray("accepted").getJsonObject(0).getBoolean("online")).isFalse();

    List<JsonObject> aliceFrames = new CopyOnWriteArrayList<>();
    connect(urlB, alice, aliceFrames, new AtomicInteger());
    WebSocket aliceSocket = lastSocket;
    awaitFrame(bobFrames, presence(alice, true), Duration.ofSeconds(5));
    // Alice's device keeps its heartbeats going while the REST checks run.
    long beats = VERTX.setPeriodic(300, id -> aliceSocket.writeTextMessage("{\"type\":\"ping\"}"));
    assertThat(call("GET", "/v1/presence?userIds=" + alice.getString("userId"), bob, null)
        .getJsonArray("users").getJsonObject(0).getBoolean("online")).isTrue();
    assertThat(status("GET", "/v1/presence?userIds=" + alice.getString("userId"), carol)).isEqualTo(403);

    VERTX.cancelTimer(beats);
    Instant killed = Instant.now();
    gwB.kill();
    // Discovery first (the elapsed time is measured up to the reassignment only), then the presence change.
    JsonObject reassigned = awaitJson("/v1/gateway?previousNodeId=rt-gw-b", alice,
        g -> g.getString("nodeId", "").equals("rt-gw-a"), Duration.ofSeconds(15));
    assertThat(Duration.between(killed, Instant.now())).as("out of assignment within lease TTL + slack")
        .isLessThan(Duration.ofSeconds(12));
    assertThat(reassigned.getString("url")).isEqualTo(urlA);
    JsonObject offline = awaitFrame(bobFrames, presence(alice, false), Duration.ofSeconds(15));
    assertThat(offline.getString("lastSeen")).isNotBlank();

    HttpResponse<String> drained = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gwA.opsPort
        + "/admin/drain")).header("Authorization", "Bearer " + NodeProcess.OPS_TOKEN)
        .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(drained.statusCode()).isEqualTo(200);
    awaitFrame(bobFrames, f -> f.getString("type").equals("reconnect"), Duration.ofSeconds(5));
    Instant deadline = Instant.now().plusSeconds(5);
    while (bobClose.get() == 0 && Instant.now().isBefore(deadline)) {
      NodeProcess.pause(50);
    }
    assertThat(bobClose.get()).as("close code of a drained session").isEqualTo(4010);
    assertThat(status("GET", "/v1/gateway", bob)).as("no healthy gateway left").isEqualTo(503);
  }

  private static WebSocket lastSocket;
  /** Held: Vert.x closes a client that becomes unreachable, and its sockets with it. */
  private static final java.util.List<io.vertx.core.http.WebSocketClient> WS_CLIENTS = new CopyOnWriteArrayList<>();

  private static void connect(String url, JsonObject login, List<JsonObject> frames, AtomicInteger closeCode)
      throws Exception {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setAbsoluteURI(url)
        .addHeader("Authorization", "Bearer " + login.getString("accessToken"));
    io.vertx.core.http.WebSocketClient wsClient = VERTX.createWebSocketClient();
    WS_CLIENTS.add(wsClient);
    WebSocket ws = wsClient.connect(options).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    ws.textMessageHandler(text -> frames.add(new JsonObject(text)));
    ws.closeHandler(v -> closeCode.set(ws.closeStatusCode() == null ? -1 : ws.closeStatusCode()));
    lastSocket = ws;
  }

  private static Predicate<JsonObject> presence(JsonObject user, boolean online) {
    return f -> "presence".equals(f.getString("type")) && user.getString("userId").equals(f.getString("userId"))
        && f.getBoolean("online") == online;
  }

  private static JsonObject awaitFrame(List<JsonObject> frames, Predicate<JsonObject> match, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      for (JsonObject f : frames) {
        if (match.test(f)) {
          return f;
        }
      }
      NodeProcess.pause(25);
    }
    throw new AssertionError("no matching frame within " + timeout + "; frames: " + frames);
  }

  private static JsonObject signupAndLogin(String name) throws Exception {
    String username = name + "_" + UUID.randomUUID().toString().substring(0, 8);
    String password = "Correct-Horse-42-" + UUID.randomUUID().toString().substring(0, 6);
    post("/v1/auth/signup", new JsonObject().put("username", username).put("password", password).put("displayName", name), 201);
    return post("/v1/auth/login", new JsonObject().put("username", username).put("password", password)
        .put("deviceName", name + "'s phone"), 200);
  }

  private static JsonObject post(String path, JsonObject body, int expected) throws Exception {
    HttpResponse<String> r = HTTP.send(request("POST", path, null, body), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(expected);
    return new JsonObject(r.body());
  }

  private static JsonObject call(String method, String path, JsonObject login, JsonObject body) throws Exception {
    HttpResponse<String> r = HTTP.send(request(method, path, login, body), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isBetween(200, 201);
    return new JsonObject(r.body());
  }

  private static int status(String method, String path, JsonObject login) throws Exception {
    return HTTP.send(request(method, path, login, null), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private static JsonObject awaitJson(String path, JsonObject login, Predicate<JsonObject> until, Duration timeout)
      throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    String last = "";
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<String> r = HTTP.send(request("GET", path, login, null), HttpResponse.BodyHandlers.ofString());
      last = r.statusCode() + " " + r.body();
      if (r.statusCode() == 200 && until.test(new JsonObject(r.body()))) {
        return new JsonObject(r.body());
      }
      NodeProcess.pause(200);
    }
    throw new AssertionError(path + " never satisfied the condition within " + timeout + "; last: " + last);
  }

  private static HttpRequest request(String method, String path, JsonObject login, JsonObject body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
        .timeout(Duration.ofSeconds(15))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      b.header("content-type", "application/json");
    }
    if (login != null) {
      b.header("authorization", "Bearer " + login.getString("accessToken"));
    }
    return b.build();
  }
}
