package dev.parley.node;

import dev.parley.node.MessagePathFixture.Device;
import dev.parley.shared.auth.AccessTokens;
import dev.parley.shared.auth.JwtKeys;
import dev.parley.shared.it.ItConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.parley.node.MessagePathFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18, tokens, on real api and gateway nodes: logout refuses the access token at once over REST and at the
 * WebSocket upgrade and closes the socket running on it; a removed device and a logged-out token stay refused after
 * Redis is killed with -9, its data deleted and it is restarted (PostgreSQL is authoritative); a socket is closed
 * with 4005 when its token expires, and stays open when the client sent a fresh token in an {@code auth} frame.
 * Takes Redis away: run under {@code flock -x /tmp/parley-infra.lock}.
 */
class TokensNodeIT {
  /** The shortest access-token TTL the config allows; the expiry test waits for it once. */
  private static final int SHORT_TTL = 30;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static MessagePathFixture fx;
  private static WebClient http;
  private static AccessTokens shortTokens;

  @BeforeAll
  static void start() throws Exception {
    fx = new MessagePathFixture(27_311);
    NodeProcess gw = fx.startGateway("tk-gw", new JsonObject());
    NodeProcess api = fx.startApi("tk-api");
    fx.awaitReady(gw, api);
    http = WebClient.create(fx.vertx);
    shortTokens = new AccessTokens(fx.vertx, await(JwtKeys.load(fx.vertx, ItConfig.keysDir().toString(), "", true)),
        fx.config.auth().issuer(), fx.config.auth().audience(), SHORT_TTL, 0, Clock.systemUTC());
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  private static HttpResponse<Buffer> me(String token) {
    return await(http.getAbs(fx.apiUrl() + "/v1/me").bearerTokenAuthentication(token).send());
  }

  private static String code(HttpResponse<Buffer> r) {
    return r.bodyAsJsonObject().getString("code");
  }

  /** The upgrade's HTTP refusal status, or 101 when the socket opened (then closed again). */
  private static int upgrade(String token) {
    return await(fx.vertx.createWebSocketClient().connect(new WebSocketConnectOptions()
            .setAbsoluteURI(fx.wsUrl("tk-gw")).addHeader("Authorization", "Bearer " + token))
        .compose(ws -> ws.close().map(101))
        .recover(err -> Future.succeededFuture(err instanceof io.vertx.core.http.UpgradeRejectedException u
            ? u.getStatus() : -1)));
  }

  /** A raw socket: its frames and a future of its close code. */
  private record Raw(WebSocket ws, List<JsonObject> frames, Future<Short> closed) {
  }

  private static Raw open(String token) {
    WebSocket ws = await(fx.vertx.createWebSocketClient().connect(new WebSocketConnectOptions()
        .setAbsoluteURI(fx.wsUrl("tk-gw")).addHeader("Authorization", "Bearer " + token)));
    List<JsonObject> frames = new CopyOnWriteArrayList<>();
    Promise<Short> closed = Promise.promise();
    ws.textMessageHandler(t -> frames.add(new JsonObject(t)));
    ws.closeHandler(v -> closed.tryComplete(ws.closeStatusCode()));
    MessagePathFixture.eventually(WAIT, () -> frames.stream().anyMatch(f -> "ready".equals(f.getString("type"))),
        () -> "no ready");
    return new Raw(ws, frames, closed.future());
  }

  @Test
  @DisplayName("logout refuses its access token at once over REST and the upgrade, and closes its socket with 4003")
  void logoutRevokesAtOnce() {
    Device d = fx.user();
    Raw socket = open(d.token());
    assertThat(me(d.token()).statusCode()).isEqualTo(200);
    assertThat(await(http.postAbs(fx.apiUrl() + "/v1/auth/logout").bearerTokenAuthentication(d.token()).send())
        .statusCode()).isEqualTo(204);
    HttpResponse<Buffer> after = me(d.token());
    assertThat(after.statusCode()).isEqualTo(401);
    assertThat(code(after)).isEqualTo("token_revoked");
    assertThat(upgrade(d.token())).isEqualTo(401);
    assertThat(await(socket.closed().timeout(WAIT.toSeconds(), TimeUnit.SECONDS))).isEqualTo((short) 4003);
    // Another token of the same device is not affected: the deny list is per token.
    Device again = fx.device(d.userId());
    assertThat(me(again.token()).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("a removed device and a logged-out token stay refused after Redis kill -9, data deleted, restart")
  void revocationsSurviveRedisWipe() throws Exception {
    Device keeper = fx.user();
    Device removed = fx.device(keeper.userId());
    Device loggedOut = fx.device(keeper.userId());
    assertThat(await(http.deleteAbs(fx.apiUrl() + "/v1/devices/" + removed.deviceId())
        .bearerTokenAuthentication(keeper.token()).send()).statusCode()).isEqualTo(204);
    assertThat(await(http.postAbs(fx.apiUrl() + "/v1/auth/logout").bearerTokenAuthentication(loggedOut.token())
        .send()).statusCode()).isEqualTo(204);
    assertThat(code(me(removed.token()))).isEqualTo("device_revoked");

    try {
      Infra.kill("redis");
      Infra.deleteData("redis");
    } finally {
      Infra.start("redis");
    }
    // The first requests after the restart may meet the nodes' Redis clients still reconnecting (503): wait for
    // the keeper's token to work again, then the revoked ones must be refused.
    MessagePathFixture.eventually(WAIT, () -> me(keeper.token()).statusCode() == 200, () -> "api not back");
    HttpResponse<Buffer> removedAfter = me(removed.token());
    assertThat(removedAfter.statusCode()).isEqualTo(401);
    assertThat(code(removedAfter)).isEqualTo("device_revoked");
    HttpResponse<Buffer> loggedOutAfter = me(loggedOut.token());
    assertThat(loggedOutAfter.statusCode()).isEqualTo(401);
    assertThat(code(loggedOutAfter)).isEqualTo("token_revoked");
    MessagePathFixture.eventually(WAIT, () -> upgrade(keeper.token()) == 101, () -> "gateway not back");
    assertThat(upgrade(removed.token())).isEqualTo(401);
    assertThat(upgrade(loggedOut.token())).isEqualTo(401);
    assertThat(Infra.script("status", "redis")).as("Redis left running and ready").isZero();
  }

  @Test
  @DisplayName("a socket closes with 4005 at its token's expiry; one refreshed with an auth frame stays open")
  void socketExpiry() {
    Device d1 = fx.user();
    Device d2 = fx.user();
    Raw expiring = open(shortTokens.issue(d1.userId(), d1.deviceId()));
    // The Java client refreshes over the socket by itself (at 80 % of the token's lifetime).
    Device d3 = fx.user();
    MessagePathFixture.Conn client = fx.open(new Device(d3.userId(), d3.deviceId(),
        shortTokens.issue(d3.userId(), d3.deviceId())), "tk-gw");
    client.client().refreshTokensWith(() -> Future.succeededFuture(shortTokens.issue(d3.userId(), d3.deviceId())));
    await(client.client().connect());
    Raw refreshed = open(shortTokens.issue(d2.userId(), d2.deviceId()));
    long opened = System.nanoTime();
    String fresh = fx.device(d2.userId()).token(); // another device of the same user: refused
    refreshed.ws().writeTextMessage(new JsonObject().put("type", "auth").put("token", fresh).put("id", 1).encode());
    refreshed.ws().writeTextMessage(new JsonObject().put("type", "auth").put("token", d2.token()).put("id", 2).encode());
    MessagePathFixture.eventually(WAIT, () -> refreshed.frames().stream().anyMatch(f -> "auth.ok".equals(f.getString("type"))),
        () -> "no auth.ok: " + refreshed.frames());
    JsonObject refusal = refreshed.frames().stream().filter(f -> "error".equals(f.getString("type"))).findFirst()
        .orElseThrow();
    assertThat(refusal.getString("code")).isEqualTo("invalid_token");
    assertThat(refusal.getInteger("id")).isEqualTo(1);

    assertThat(await(expiring.closed().timeout(SHORT_TTL + 30, TimeUnit.SECONDS))).isEqualTo((short) 4005);
    long afterMs = (System.nanoTime() - opened) / 1_000_000;
    System.out.printf("TokensNodeIT: socket on a %d s token closed %d ms after it opened%n", SHORT_TTL, afterMs);
    assertThat(afterMs).isGreaterThan((SHORT_TTL - 2) * 1_000L);
    // The refreshed socket outlived its first token and still answers.
    refreshed.ws().writeTextMessage("{\"type\":\"ping\",\"id\":9}");
    MessagePathFixture.eventually(WAIT, () -> refreshed.frames().stream().anyMatch(f -> "pong".equals(f.getString("type"))),
        () -> "refreshed socket silent");
    assertThat(refreshed.closed().isComplete()).isFalse();
    assertThat(client.frames()).anyMatch(f -> "auth.ok".equals(f.getString("type")));
    assertThat(client.client().connects()).as("the client's socket outlived its first token").isEqualTo(1);
    assertThat(client.client().lastCloseCode()).isEqualTo(-1);
  }
}
