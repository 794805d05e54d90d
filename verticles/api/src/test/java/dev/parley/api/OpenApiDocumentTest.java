package dev.parley.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.openapi.contract.OpenAPIVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.InputStream;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps openapi.yaml and the router in step: the document must validate against the OpenAPI 3.1 meta-schema and
 * describe exactly the routes the router serves — a route missing from the document, or a documented operation
 * with no route, fails this test.
 */
class OpenApiDocumentTest {
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    await(vertx.close());
  }

  @Test
  @DisplayName("the document is a valid OpenAPI 3.1 contract")
  void validOpenApi31() throws Exception {
    JsonObject doc = document();
    OpenAPIVersion version = OpenAPIVersion.fromContract(doc);
    assertThat(version).isEqualTo(OpenAPIVersion.V3_1);
    SchemaRepository repository = await(version.getRepository(vertx, "app:///"));
    OutputUnit result = await(version.validateContract(vertx, repository, doc));
    assertThat(result.getValid()).as(() -> result.toString()).isTrue();
  }

  @Test
  @DisplayName("every router route is in the OpenAPI document and every documented operation is routed")
  void documentMatchesRouter() throws Exception {
    Set<String> documented = new TreeSet<>();
    JsonObject paths = document().getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String key : paths.getJsonObject(path).fieldNames()) {
        if (METHODS.contains(key)) {
          documented.add(key.toUpperCase(java.util.Locale.ROOT) + " " + path);
        }
      }
    }

    assertThat(routed()).containsExactlyInAnyOrderElementsOf(documented);
    assertThat(documented).contains("POST /v1/auth/login", "DELETE /v1/channels/{channelId}/members/{userId}");
  }

  private static JsonObject document() throws Exception {
    try (InputStream in = OpenApiDocumentTest.class.getClassLoader().getResourceAsStream(ApiRouter.OPENAPI_RESOURCE)) {
      assertThat(in).as("openapi.yaml on the classpath").isNotNull();
      Map<String, Object> tree = new Yaml().load(in);
      return new JsonObject(Json.encode(tree));
    }
  }

  /** "METHOD /path/{param}" for every route that has a path and methods (body/failure handlers have neither). */
  private Set<String> routed() {
    // Registration only: no request runs, so the services may be absent.
    ApiComponents none = new ApiComponents(null, null, null, null, null, null, null, null,
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), 1024, 1000, null, null, null, null,
        new dev.parley.api.push.PushRegistrations(null, null, null, null),
        new dev.parley.api.media.MediaApi(null, null, null, null), null);
    Router router = ApiRouter.create(vertx, none, Buffer.buffer());
    Set<String> routes = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      if (route.getPath() == null || route.methods() == null || route.methods().isEmpty()) {
        continue;
      }
      String path = route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
      route.methods().forEach(method -> routes.add(method.name() + " " + path));
    }
    return routes;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
