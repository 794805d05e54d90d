package dev.parley.node;

import dev.parley.node.MessagePathFixture.Device;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18 "Edges" at the gateway and the ops port, on real node JVMs: the WebSocket upgrade checks {@code Origin}
 * against edge.allowedOrigins (403 otherwise; clients without Origin per edge.allowMissingOrigin), and the ops
 * port's {@code POST /admin/drain} wants the operator token.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayEdgesIT {
  private static final String APP = "https://app.example:8443";
  private static MessagePathFixture fx;
  private static Device alice;

  @BeforeAll
  static void start() throws Exception {
    fx = new MessagePathFixture(26_981);
    NodeProcess open = fx.startGateway("ge-gw1", new JsonObject().put("edge", new JsonObject()
        .put("allowedOrigins", new JsonArray().add(APP))));
    NodeProcess strict = fx.startGateway("ge-gw2", new JsonObject().put("edge", new JsonObject()
        .put("allowedOrigins", new JsonArray().add(APP)).put("allowMissingOrigin", false)));
    fx.awaitReady(open, strict);
    alice = fx.user();
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  /** The status line of a WebSocket upgrade of {@code gateway} with {@code origin} (null: no header). */
  private static String upgrade(String gateway, String origin) throws IOException {
    int port = fx.gatewayPorts.get(gateway);
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      String request = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + "Authorization: Bearer " + alice.token() + "\r\n" + (origin == null ? "" : "Origin: " + origin + "\r\n")
          + "\r\n";
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
    }
  }

  @Test
  @Order(1)
  @DisplayName("an upgrade from a listed origin is accepted; any other origin, including null, is refused with 403")
  void originChecked() throws Exception {
    assertThat(upgrade("ge-gw1", APP)).isEqualTo("HTTP/1.1 101");
    for (String origin : new String[] {"https://evil.example", "http://app.example:8443", "https://app.example",
        "null", "https://app.example:8443.evil.example"}) {
      assertThat(upgrade("ge-gw1", origin)).as(origin).isEqualTo("HTTP/1.1 403");
    }
  }

  @Test
  @Order(2)
  @DisplayName("clients without Origin (native apps) are accepted by default and refused when allowMissingOrigin is off")
  void missingOrigin() throws Exception {
    assertThat(upgrade("ge-gw1", null)).isEqualTo("HTTP/1.1 101");
    assertThat(upgrade("ge-gw2", null)).isEqualTo("HTTP/1.1 403");
    assertThat(upgrade("ge-gw2", APP)).isEqualTo("HTTP/1.1 101");
  }

  @Test
  @Order(3) // drains ge-gw2: after the upgrade tests
  @DisplayName("POST /admin/drain on the ops port: 401 operator_token_required without the token, 200 with it")
  void adminNeedsOperatorToken() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    URI drain = URI.create("http://127.0.0.1:" + fx.nodes.get("ge-gw2").opsPort + "/admin/drain");
    HttpResponse<String> refused = http.send(HttpRequest.newBuilder(drain).POST(HttpRequest.BodyPublishers.noBody())
        .header("Authorization", "Bearer not-the-token").timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(refused.body()).getString("code")).isEqualTo("operator_token_required");
    HttpResponse<String> ok = http.send(HttpRequest.newBuilder(drain).POST(HttpRequest.BodyPublishers.noBody())
        .header("Authorization", "Bearer " + NodeProcess.OPS_TOKEN).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
  }
}
