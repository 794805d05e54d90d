package dev.parley.api;

import dev.parley.api.ApiHarness.Session;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.parley.api.ApiHarness.expect;
import static dev.parley.api.ApiHarness.problem;
import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API's edges, as a client written from the documents would meet them: every error the HTTP layer raises is
 * problem+json with a code, JSON is strict, and text with NUL or a lone surrogate is refused (never a 500, never
 * stored rewritten).
 */
class EdgesIT {
  private static ApiHarness api;
  private static Session alice;

  @BeforeAll
  static void start() {
    api = ApiHarness.start(new JsonObject());
    alice = api.newUser();
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static HttpResponse<Buffer> raw(HttpMethod method, String path, String body) {
    var request = api.request(method, path, alice.accessToken()).putHeader("content-type", "application/json");
    return await(body == null ? request.send() : request.sendBuffer(Buffer.buffer(body)));
  }

  @Test
  @DisplayName("NUL or invalid UTF-8 in a path parameter is 422 invalid_field (it was a 500 from PostgreSQL)")
  void nulInPath() {
    for (String path : List.of("/v1/users/by-username/a%00b", "/v1/users/by-username/%00",
        "/v1/users/by-username/%FF", "/v1/users/by-username/%ED%A0%80", "/v1/channels/%00")) {
      JsonObject doc = problem(api.get(path, alice.accessToken()), 422, "invalid_field");
      assertThat(doc.getString("field")).as(path).isEqualTo("path");
    }
    problem(api.get("/v1/users/by-username/alice?x=%00", alice.accessToken()), 422, "invalid_field");
  }

  @Test
  @DisplayName("NUL and lone surrogates in any JSON string are 422 invalid_field naming the field, never rewritten")
  void nulAndSurrogatesInBodies() {
    JsonObject doc = problem(raw(HttpMethod.PATCH, "/v1/me", "{\"displayName\":\"x\\ud800y\"}"), 422, "invalid_field");
    assertThat(doc.getString("field")).isEqualTo("displayName");
    problem(raw(HttpMethod.PATCH, "/v1/me", "{\"displayName\":\"x\\udc00\"}"), 422, "invalid_field");
    problem(raw(HttpMethod.PATCH, "/v1/me", "{\"displayName\":\"a\\u0000b\"}"), 422, "invalid_field");
    JsonObject login = problem(raw(HttpMethod.POST, "/v1/auth/login",
        "{\"username\":\"a\\u0000b\",\"password\":\"whatever-long\",\"deviceName\":\"d\"}"), 422, "invalid_field");
    assertThat(login.getString("field")).isEqualTo("username");
    problem(raw(HttpMethod.POST, "/v1/auth/signup",
        "{\"username\":\"bob\",\"password\":\"pw\\ud800pw-long-enough\",\"displayName\":\"b\"}"), 422, "invalid_field");
    // A pair is one character, stored as sent.
    JsonObject me = expect(raw(HttpMethod.PATCH, "/v1/me", "{\"displayName\":\"x\\ud83d\\ude00y\"}"), 200)
        .bodyAsJsonObject();
    assertThat(me.getString("displayName")).isEqualTo("x\ud83d\ude00y");
  }

  @Test
  @DisplayName("JSON is strict: comments, duplicate names and other leniencies are 400 malformed_json")
  void strictJson() {
    for (String body : List.of("/*c*/{}", "{}//c", "{\"displayName\":\"a\",\"displayName\":\"b\"}",
        "{'displayName':'a'}", "{displayName:\"a\"}", "{\"displayName\":\"a\",}", "{} {}")) {
      problem(raw(HttpMethod.PATCH, "/v1/me", body), 400, "malformed_json");
    }
    problem(await(api.request(HttpMethod.POST, "/v1/auth/login").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("/*c*/{}"))), 400, "malformed_json");
  }

  @Test
  @DisplayName("errors raised by the HTTP layer are problem+json with a code: 400, 404, 405, 414, 431")
  void httpLayerErrors() {
    problem(api.get("/v1/channels/%ZZ", alice.accessToken()), 400, "bad_request");
    problem(api.get("/v1/channels/%4", alice.accessToken()), 400, "bad_request");
    problem(api.get("/v1/nothing-here", alice.accessToken()), 404, "not_found");
    problem(api.send(HttpMethod.DELETE, "/v1/me", alice.accessToken(), null), 405, "method_not_allowed");
    HttpResponse<Buffer> longPath = api.get("/v1/users/by-username/" + "a".repeat(8_192), alice.accessToken());
    problem(longPath, 414, "uri_too_long");
    HttpResponse<Buffer> bigHeaders = await(api.request(HttpMethod.GET, "/v1/me", alice.accessToken())
        .putHeader("x-filler", "b".repeat(20_000)).send());
    problem(bigHeaders, 431, "headers_too_large");
    // The server still answers afterwards.
    expect(api.get("/v1/me", alice.accessToken()), 200);
  }
}
