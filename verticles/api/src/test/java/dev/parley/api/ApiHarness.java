package dev.parley.api;

import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.Dependency;
import dev.parley.shared.deps.DependencyClients;
import dev.parley.shared.it.ItConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.time.Clock;
import java.util.EnumSet;
import java.util.UUID;

import static dev.parley.shared.it.ItConfig.await;

/**
 * An {@link ApiVerticle} deployed on an ephemeral loopback port against the real PostgreSQL and Redis, plus a
 * web client and helpers that create accounts. Test threads only (the helpers block).
 */
public final class ApiHarness implements AutoCloseable {
  /** A signed-in device: ids and tokens as the login response gave them. */
  public record Session(String username, String password, UUID userId, UUID deviceId, String accessToken,
                        String refreshToken) {
  }

  public final Vertx vertx;
  public final ParleyConfig config;
  public final DependencyClients clients;
  public final WebClient http;
  public final int port;
  /** The api's own meter registry: a test reads the meters of this api alone. */
  public final MeterRegistry meters;

  private ApiHarness(Vertx vertx, ParleyConfig config, DependencyClients clients, int port, MeterRegistry meters) {
    this.vertx = vertx;
    this.meters = meters;
    this.config = config;
    this.clients = clients;
    this.http = WebClient.create(vertx);
    this.port = port;
  }

  /**
   * Cheap Argon2 cost (tests exercise the logic; the benchmark measures the configured cost) and limits high enough
   * that only the rate-limit test meets them; {@code overrides} are merged on top.
   */
  public static ApiHarness start(JsonObject overrides) {
    return start(overrides, java.util.Set.of());
  }

  /** {@link #start(JsonObject)} ignoring the named environment variables, so {@code overrides} of those keys win. */
  public static ApiHarness start(JsonObject overrides, java.util.Set<String> ignoredEnv) {
    JsonObject conf = new JsonObject()
        .put("node", new JsonObject().put("roles", new JsonArray().add("api")))
        .put("auth", new JsonObject().put("passwordHashing", new JsonObject().put("memoryKib", 1024).put("iterations", 1)))
        .put("api", new JsonObject().put("port", 0).put("rateLimit", new JsonObject()
            .put("loginPerAccount", 100_000).put("loginPerAccountAndAddress", 100_000)
            .put("loginPerAddress", 100_000).put("signupPerAddress", 100_000)))
        .mergeIn(overrides, true);
    Vertx vertx = Vertx.vertx();
    ParleyConfig config = ItConfig.load(vertx, conf, ignoredEnv);
    ItConfig.migrate(vertx, config);
    DependencyClients clients = DependencyClients.create(vertx, config, EnumSet.of(Dependency.POSTGRES, Dependency.REDIS,
        Dependency.CASSANDRA));
    MeterRegistry meters = new SimpleMeterRegistry();
    ApiVerticle verticle = new ApiVerticle(config, clients, Clock.systemUTC(), meters);
    await(vertx.deployVerticle(verticle));
    return new ApiHarness(vertx, config, clients, verticle.actualPort(), meters);
  }

  public HttpRequest<Buffer> request(HttpMethod method, String path) {
    return http.request(method, port, "127.0.0.1", path);
  }

  public HttpRequest<Buffer> request(HttpMethod method, String path, String accessToken) {
    return request(method, path).putHeader("authorization", "Bearer " + accessToken);
  }

  public HttpResponse<Buffer> send(HttpMethod method, String path, String accessToken, JsonObject body) {
    HttpRequest<Buffer> request = accessToken == null ? request(method, path) : request(method, path, accessToken);
    return await(body == null ? request.send() : request.sendJsonObject(body));
  }

  public HttpResponse<Buffer> post(String path, String accessToken, JsonObject body) {
    return send(HttpMethod.POST, path, accessToken, body);
  }

  public HttpResponse<Buffer> get(String path, String accessToken) {
    return send(HttpMethod.GET, path, accessToken, null);
  }

  public static String newUsername() {
    return "u" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
  }

  public HttpResponse<Buffer> signup(String username, String password) {
    return post("/v1/auth/signup", null, new JsonObject().put("username", username).put("password", password)
        .put("displayName", "Test " + username));
  }

  public HttpResponse<Buffer> login(String username, String password, String deviceName) {
    return post("/v1/auth/login", null, new JsonObject().put("username", username).put("password", password)
        .put("deviceName", deviceName));
  }

  /** A new account signed in on one device. */
  public Session newUser() {
    String username = newUsername();
    String password = "pw-" + UUID.randomUUID();
    expect(signup(username, password), 201);
    return session(username, password, expect(login(username, password, "phone"), 200).bodyAsJsonObject());
  }

  /** Another device of an existing account. */
  public Session newDevice(Session user, String deviceName) {
    return session(user.username(), user.password(),
        expect(login(user.username(), user.password(), deviceName), 200).bodyAsJsonObject());
  }

  public static Session session(String username, String password, JsonObject login) {
    return new Session(username, password, UUID.fromString(login.getString("userId")),
        UUID.fromString(login.getString("deviceId")), login.getString("accessToken"), login.getString("refreshToken"));
  }

  public static HttpResponse<Buffer> expect(HttpResponse<Buffer> response, int status) {
    if (response.statusCode() != status) {
      throw new AssertionError("expected HTTP " + status + " but got " + response.statusCode() + ": "
          + response.bodyAsString());
    }
    return response;
  }

  /** Asserts a problem+json refusal with {@code status} and {@code code}; returns the document. */
  public static JsonObject problem(HttpResponse<Buffer> response, int status, String code) {
    org.assertj.core.api.Assertions.assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    org.assertj.core.api.Assertions.assertThat(response.getHeader("content-type")).isEqualTo("application/problem+json");
    JsonObject doc = response.bodyAsJsonObject();
    org.assertj.core.api.Assertions.assertThat(doc.getString("code")).as(doc.encode()).isEqualTo(code);
    org.assertj.core.api.Assertions.assertThat(doc.getInteger("status")).isEqualTo(status);
    return doc;
  }

  @Override
  public void close() {
    http.close();
    await(clients.close());
    await(vertx.close());
  }
}
