package dev.parley.cli;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

/**
 * The REST routes the CLI calls beyond what {@code clients/java} wraps (docs/api.md): JSON in and out, and every
 * error answer turned into an {@link ApiProblem} carrying the status and the problem document's stable code, which
 * is what the exit code is chosen from.
 */
public final class Api {
  private final WebClient web;
  private final String baseUrl;

  public Api(WebClient web, String baseUrl) {
    this.web = web;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
  }

  public String baseUrl() {
    return baseUrl;
  }

  public Future<JsonObject> get(String path, String token) {
    return call(HttpMethod.GET, path, token, null);
  }

  public Future<JsonObject> post(String path, String token, JsonObject body) {
    return call(HttpMethod.POST, path, token, body);
  }

  public Future<JsonObject> delete(String path, String token) {
    return call(HttpMethod.DELETE, path, token, null);
  }

  /** One request; answers the body (an empty object for a 204), or fails with {@link ApiProblem}. */
  public Future<JsonObject> call(HttpMethod method, String path, String token, JsonObject body) {
    HttpRequest<Buffer> request = web.requestAbs(method, baseUrl + path);
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    Future<HttpResponse<Buffer>> sent = body == null ? request.send() : request.sendJsonObject(body);
    return sent.compose(Api::json);
  }

  private static Future<JsonObject> json(HttpResponse<Buffer> r) {
    if (r.statusCode() / 100 == 2) {
      Buffer b = r.body();
      return Future.succeededFuture(b == null || b.length() == 0 ? new JsonObject() : b.toJsonObject());
    }
    String code = "http_" + r.statusCode();
    String detail = r.statusMessage();
    try {
      JsonObject doc = r.bodyAsJsonObject();
      if (doc != null) {
        code = doc.getString("code", code);
        detail = doc.getString("detail", detail);
      }
    } catch (RuntimeException notAProblemDocument) {
      // keep the status line
    }
    return Future.failedFuture(new ApiProblem(r.statusCode(), code, detail));
  }
}
