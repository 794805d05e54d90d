package dev.parley.node;

import dev.parley.shared.config.EdgeConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The ops port's admin guard over real HTTP on loopback: token required, compared exactly; off without a token. */
class AdminGuardTest {
  private static final String TOKEN = "t".repeat(40);
  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private int serve(String token, boolean remote) throws Exception {
    Router router = Router.router(vertx);
    router.route("/admin/*").handler(new AdminGuard(new EdgeConfig(List.of(), List.of(), true, 10, 60, 0, token,
        remote))::handle);
    router.post("/admin/drain").handler(rc -> rc.response().end("{\"drained\":0}"));
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return server.actualPort();
  }

  private HttpResponse<String> drain(int port, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/drain"))
        .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @DisplayName("the operator token opens /admin/*; none, another or a prefixed one is 401 operator_token_required")
  void tokenRequired() throws Exception {
    int port = serve(TOKEN, false);
    assertThat(drain(port, "Bearer " + TOKEN).statusCode()).isEqualTo(200);
    for (String auth : new String[] {null, "Bearer ", "Bearer " + TOKEN + "x", "Bearer " + TOKEN.substring(1),
        "Basic " + TOKEN, "bearer " + TOKEN}) {
      HttpResponse<String> r = drain(port, auth);
      assertThat(r.statusCode()).as(String.valueOf(auth)).isEqualTo(401);
      assertThat(new JsonObject(r.body()).getString("code")).isEqualTo("operator_token_required");
      assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    }
  }

  @Test
  @DisplayName("without a configured token admin is off: 403 admin_forbidden, even with an empty bearer")
  void offWithoutToken() throws Exception {
    int port = serve("", false);
    for (String auth : new String[] {null, "Bearer ", "Bearer x"}) {
      HttpResponse<String> r = drain(port, auth);
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(new JsonObject(r.body()).getString("code")).isEqualTo("admin_forbidden");
    }
  }

  @Test
  @DisplayName("only loopback peers count as local (127.0.0.0/8 and ::1); anything else is refused unless remote is on")
  void loopbackOnly() {
    assertThat(AdminGuard.isLoopback("127.0.0.1")).isTrue();
    assertThat(AdminGuard.isLoopback("127.5.6.7")).isTrue();
    assertThat(AdminGuard.isLoopback("0:0:0:0:0:0:0:1")).isTrue();
    assertThat(AdminGuard.isLoopback("10.0.0.1")).isFalse();
    assertThat(AdminGuard.isLoopback("::ffff:10.0.0.1")).isFalse();
    assertThat(AdminGuard.isLoopback("localhost")).isFalse();
  }
}
