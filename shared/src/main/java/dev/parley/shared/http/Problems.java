package dev.parley.shared.http;

import dev.parley.shared.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** Writes RFC 9457 {@code application/problem+json} documents carrying a stable {@link ErrorCode}. */
public final class Problems {
  public static final String CONTENT_TYPE = "application/problem+json";

  private Problems() {
  }

  public static JsonObject document(ErrorCode code, int status, String detail) {
    return new JsonObject()
        .put("type", "https://parley.dev/problems/" + code.code())
        .put("title", code.name().replace('_', ' ').toLowerCase(java.util.Locale.ROOT))
        .put("status", status)
        .put("code", code.code())
        .put("detail", detail);
  }

  public static Future<Void> send(HttpServerResponse response, ErrorCode code, String detail) {
    return send(response, code, code.httpStatus(), detail);
  }

  public static Future<Void> send(HttpServerResponse response, ErrorCode code, int status, String detail) {
    return response.setStatusCode(status).putHeader("content-type", CONTENT_TYPE)
        .end(document(code, status, detail).encode());
  }
}
