package dev.parley.api.web;

import dev.parley.shared.config.WebConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class WebAppTest {
  @TempDir
  Path dist;
  private Vertx vertx;
  private WebClient http;
  private int port;

  @BeforeEach
  void start() throws Exception {
    Files.writeString(dist.resolve("index.html"), "<!doctype html><title>Parley</title>");
    Files.createDirectories(dist.resolve("assets"));
    Files.writeString(dist.resolve("assets/app-1a2b.js"), "console.log(1)");
    Files.writeString(dist.resolve("secret.txt"), "not served");
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.get("/v1/me").handler(ctx -> ctx.end("api"));
    new WebApp(new WebConfig(dist.toString(), List.of("ws://127.0.0.1:8091", "ws://127.0.0.1:8092"))).mount(router);
    HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    port = server.actualPort();
    http = WebClient.create(vertx);
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  private HttpResponse<Buffer> get(String path) throws Exception {
    return await(http.get(port, "127.0.0.1", path).send());
  }

  @Test
  @DisplayName("GET / is index.html under a CSP that allows only the app's origin and the configured gateways")
  void indexWithCsp() throws Exception {
    HttpResponse<Buffer> r = get("/");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsString()).contains("<title>Parley</title>");
    assertThat(r.getHeader("content-security-policy"))
        .contains("default-src 'none'", "script-src 'self';", "connect-src 'self' ws://127.0.0.1:8091 ws://127.0.0.1:8092;",
            "frame-ancestors 'none'")
        .doesNotContain("unsafe-inline", "unsafe-eval", "*");
  }

  @Test
  @DisplayName("assets are served from dist/assets with long caching; other files of dist and traversal are not")
  void assetsOnly() throws Exception {
    HttpResponse<Buffer> r = get("/assets/app-1a2b.js");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsString()).isEqualTo("console.log(1)");
    assertThat(r.getHeader("cache-control")).contains("immutable");
    assertThat(get("/secret.txt").statusCode()).isEqualTo(404);
    assertThat(get("/assets/../secret.txt").statusCode()).isNotEqualTo(200);
    assertThat(get("/assets/missing.js").statusCode()).isEqualTo(404);
    assertThat(get("/v1/me").bodyAsString()).isEqualTo("api");
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
