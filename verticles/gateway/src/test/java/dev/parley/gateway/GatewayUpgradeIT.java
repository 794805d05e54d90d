package dev.parley.gateway;

import dev.parley.shared.auth.AccessTokens;
import dev.parley.shared.auth.JwtKeys;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.Dependency;
import dev.parley.shared.deps.DependencyClients;
import dev.parley.shared.it.ItConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.EnumSet;
import java.util.UUID;

import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway role in this JVM on the real Kafka, Redis, etcd and PostgreSQL: the upgrade is authenticated before
 * the WebSocket opens. Its etcd registration goes under a key prefix of its own, so no discovery node of another
 * suite on the same etcd ever assigns a client to it.
 */
class GatewayUpgradeIT {
  private static Vertx vertx;
  private static DependencyClients clients;
  private static WebSocketClient ws;
  private static AccessTokens tokens;
  private static String url;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    int port = freePort();
    ParleyConfig config = ItConfig.load(vertx, new JsonObject()
        .put("node", new JsonObject().put("id", "it-gw-" + UUID.randomUUID()).put("roles", new io.vertx.core.json.JsonArray().add("gateway")))
        .put("etcd", new JsonObject().put("keyPrefix", "/parley-it/" + UUID.randomUUID() + "/"))
        .put("gateway", new JsonObject().put("host", "127.0.0.1").put("port", port)
            .put("publicUrl", "ws://127.0.0.1:" + port + GatewayVerticle.PATH)));
    clients = DependencyClients.create(vertx, config, EnumSet.of(Dependency.KAFKA, Dependency.REDIS, Dependency.ETCD,
        Dependency.POSTGRES));
    await(vertx.deployVerticle(new GatewayVerticle(config, clients, Clock.systemUTC())));
    tokens = new AccessTokens(vertx, await(JwtKeys.load(vertx, config.auth().keysDir(), "", true)),
        config.auth().issuer(), config.auth().audience(), 3_600, 0, Clock.systemUTC());
    ws = vertx.createWebSocketClient();
    url = "ws://127.0.0.1:" + port + GatewayVerticle.PATH;
  }

  @AfterAll
  static void stop() {
    if (clients != null) {
      await(clients.close());
    }
    if (vertx != null) {
      await(vertx.close());
    }
  }

  /** The failure of an upgrade, or null when the socket opened. */
  private static Throwable refusal(WebSocketConnectOptions options) {
    return await(ws.connect(options).map(s -> (Throwable) null).recover(Future::succeededFuture));
  }

  @Test
  @DisplayName("an upgrade without a valid token is refused with 401 before the WebSocket opens; a valid one opens it")
  void badTokenRefusedBeforeUpgrade() {
    String token = tokens.issue(UUID.randomUUID(), UUID.randomUUID());
    assertThat(refusal(new WebSocketConnectOptions().setAbsoluteURI(url))).isNotNull().hasMessageContaining("401");
    assertThat(refusal(new WebSocketConnectOptions().setAbsoluteURI(url + "?access_token=not.a.token")))
        .isNotNull().hasMessageContaining("401");
    assertThat(refusal(new WebSocketConnectOptions().setAbsoluteURI(url).addHeader("Authorization", "Bearer " + token + "x")))
        .as("a genuine token with one character appended").isNotNull().hasMessageContaining("401");

    Promise<JsonObject> ready = Promise.promise();
    await(ws.connect(new WebSocketConnectOptions().setAbsoluteURI(url).addHeader("Authorization", "Bearer " + token))
        .onSuccess(s -> s.textMessageHandler(text -> ready.tryComplete(new JsonObject(text)))));
    assertThat(await(ready.future().timeout(30, java.util.concurrent.TimeUnit.SECONDS)).getString("type"))
        .as("the genuine token's socket opens and gets its ready frame").isEqualTo("ready");
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return s.getLocalPort();
    }
  }
}
