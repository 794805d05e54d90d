package dev.parley.client.e2ee;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The client side of the key directory against a stand-in HTTP server that records requests. */
@DisplayName("KeyDirectoryApi and DirectoryCache")
class KeyDirectoryApiTest {
  private final UUID user = UUID.randomUUID();
  private final UUID device = UUID.randomUUID();
  private final Map<String, JsonObject> received = new ConcurrentHashMap<>();
  private volatile String deviceKey = Base64.getEncoder().encodeToString(new byte[32]);
  private Vertx vertx;
  private HttpServer server;
  private KeyDirectoryApi api;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      String key = req.method() + " " + req.path();
      received.put(key, body.length() == 0 ? new JsonObject() : body.toJsonObject()
          .put("authorization", req.getHeader("authorization")));
      JsonObject answer = switch (key) {
        case "PUT /v1/keys/signature-key" -> new JsonObject().put("deviceId", device.toString());
        case "POST /v1/keys/key-packages" -> new JsonObject().put("oneTimeStock", 2).put("lastResort", true);
        default -> null;
      };
      if (key.equals("POST /v1/users/" + user + "/key-packages/claim")) {
        answer = new JsonObject().put("unavailableDevices", new JsonArray()).put("keyPackages", new JsonArray()
            .add(new JsonObject().put("deviceId", device.toString()).put("lastResort", false)
                .put("keyPackage", Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}))));
      } else if (key.equals("GET /v1/users/" + user + "/device-keys")) {
        answer = new JsonObject().put("devices", new JsonArray().add(new JsonObject()
            .put("deviceId", device.toString()).put("signatureKey", deviceKey)));
      }
      if (answer == null) {
        req.response().setStatusCode(409).end("{\"code\":\"signature_key_not_registered\"}");
      } else {
        req.response().putHeader("content-type", "application/json").end(answer.encode());
      }
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    api = new KeyDirectoryApi(WebClient.create(vertx), "http://127.0.0.1:" + server.actualPort() + "/");
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("register, upload, claim and list send base64 bodies with the bearer token and decode the answers")
  void calls() throws Exception {
    await(api.registerSignatureKey("tok", new byte[] {9, 9}));
    assertThat(received.get("PUT /v1/keys/signature-key").getString("signatureKey")).isEqualTo("CQk=");
    assertThat(received.get("PUT /v1/keys/signature-key").getString("authorization")).isEqualTo("Bearer tok");

    KeyDirectoryApi.Stock stock = await(api.uploadKeyPackages("tok", List.of(new byte[] {1}, new byte[] {2}),
        new byte[] {3}));
    assertThat(stock).isEqualTo(new KeyDirectoryApi.Stock(2, true));
    assertThat(received.get("POST /v1/keys/key-packages").getJsonArray("oneTime")).containsExactly("AQ==", "Ag==");
    assertThat(received.get("POST /v1/keys/key-packages").getString("lastResort")).isEqualTo("Aw==");

    List<KeyDirectoryApi.ClaimedKeyPackage> claimed = await(api.claim("tok", user));
    assertThat(claimed).hasSize(1);
    assertThat(claimed.get(0).keyPackage()).containsExactly(1, 2, 3);
    assertThat(claimed.get(0).lastResort()).isFalse();
  }

  @Test
  @DisplayName("the cache answers the MLS layer from fetched keys and refuses a device whose key changed")
  void cache() throws Exception {
    DirectoryCache cache = new DirectoryCache(api);
    assertThat(cache.signatureKey(device)).isEmpty();
    await(cache.refresh("tok", user));
    assertThat(cache.signatureKey(device)).hasValueSatisfying(k -> assertThat(k).hasSize(32));
    deviceKey = Base64.getEncoder().encodeToString(new byte[] {7, 7});
    assertThat(cache.refresh("tok", user).toCompletionStage().toCompletableFuture()
        .handle((v, e) -> e).get(10, TimeUnit.SECONDS)).hasMessageContaining("changed its signature key");
    assertThat(cache.signatureKey(device)).hasValueSatisfying(k -> assertThat(k).hasSize(32));
  }

  @Test
  @DisplayName("a refusal from the server fails the call with the status")
  void refusal() throws Exception {
    Throwable failure = api.claim("tok", UUID.randomUUID()).toCompletionStage().toCompletableFuture()
        .handle((v, e) -> e).get(10, TimeUnit.SECONDS);
    assertThat(failure).hasMessageContaining("HTTP 409");
  }

  private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
