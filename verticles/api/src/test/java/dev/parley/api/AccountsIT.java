package dev.parley.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static dev.parley.api.ApiHarness.expect;
import static dev.parley.api.ApiHarness.newUsername;
import static dev.parley.api.ApiHarness.problem;
import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Signup, login, profile and look-up against the real PostgreSQL and Redis, with their refusals. */
class AccountsIT {
  private static ApiHarness api;

  @BeforeAll
  static void start() {
    api = ApiHarness.start(new JsonObject());
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  @DisplayName("signup returns the new account; the password is stored only as an argon2id hash")
  void signupCreatesAccount() {
    String username = newUsername();
    JsonObject body = expect(api.signup(username, "a fine passphrase"), 201).bodyAsJsonObject();
    assertThat(body.getString("username")).isEqualTo(username);
    assertThat(body.getString("displayName")).isEqualTo("Test " + username);
    assertThat(body.getString("userId")).matches("[0-9a-f-]{36}");
    String stored = await(api.clients.pg().preparedQuery("SELECT password_hash FROM users WHERE username = $1")
        .execute(io.vertx.sqlclient.Tuple.of(username))).iterator().next().getString(0);
    assertThat(stored).startsWith("$argon2id$v=19$m=1024,t=1,p=1$").doesNotContain("a fine passphrase");
  }

  @Test
  @DisplayName("a username taken in any letter case is refused with 409 username_taken")
  void duplicateUsername() {
    String username = newUsername();
    expect(api.signup(username, "a fine passphrase"), 201);
    problem(api.signup(username.toUpperCase(), "another passphrase"), 409, "username_taken");
  }

  @Test
  @DisplayName("bad usernames and weak passwords are refused with 422 naming the field")
  void credentialRules() {
    assertThat(problem(api.signup("1abc", "a fine passphrase"), 422, "invalid_username").getString("field"))
        .isEqualTo("username");
    assertThat(problem(api.signup(newUsername(), "short"), 422, "weak_password").getString("field"))
        .isEqualTo("password");
    String username = newUsername();
    problem(api.signup(username, "x" + username + "x"), 422, "weak_password");
  }

  @Test
  @DisplayName("unknown fields, wrong types, missing fields, non-JSON and oversized bodies are refused clearly")
  void strictBodies() {
    JsonObject good = new JsonObject().put("username", newUsername()).put("password", "a fine passphrase")
        .put("displayName", "X");
    assertThat(problem(api.post("/v1/auth/signup", null, good.copy().put("admin", true)), 422, "unknown_field")
        .getString("field")).isEqualTo("admin");
    assertThat(problem(api.post("/v1/auth/signup", null, good.copy().put("displayName", 42)), 422, "invalid_field")
        .getString("field")).isEqualTo("displayName");
    JsonObject missing = good.copy();
    missing.remove("password");
    assertThat(problem(api.post("/v1/auth/signup", null, missing), 422, "invalid_field").getString("field"))
        .isEqualTo("password");
    problem(await(api.request(HttpMethod.POST, "/v1/auth/signup").putHeader("content-type", "text/plain")
        .sendBuffer(Buffer.buffer(good.encode()))), 415, "unsupported_media_type");
    problem(await(api.request(HttpMethod.POST, "/v1/auth/signup").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("{\"username\":"))), 400, "malformed_json");
    problem(await(api.request(HttpMethod.POST, "/v1/auth/signup").putHeader("content-type", "application/json")
        .sendBuffer(Buffer.buffer("[1,2]"))), 400, "malformed_json");
    String huge = "x".repeat(api.config.api().maxBodyBytes() + 1);
    problem(api.post("/v1/auth/signup", null, good.copy().put("displayName", huge)), 413, "payload_too_large");
  }

  @Test
  @DisplayName("login answers tokens; a wrong password and an unknown user get the same 401 invalid_credentials")
  void login() {
    String username = newUsername();
    expect(api.signup(username, "a fine passphrase"), 201);
    JsonObject tokens = expect(api.login(username.toUpperCase(), "a fine passphrase", "laptop"), 200).bodyAsJsonObject();
    assertThat(tokens.fieldNames()).contains("userId", "deviceId", "accessToken", "accessTokenExpiresIn", "refreshToken");
    assertThat(tokens.getInteger("accessTokenExpiresIn")).isEqualTo(api.config.auth().accessTokenTtlSeconds());
    assertThat(tokens.getString("refreshToken")).startsWith("prt_").hasSizeGreaterThan(40);

    JsonObject wrong = problem(api.login(username, "a wrong passphrase", "laptop"), 401, "invalid_credentials");
    JsonObject unknown = problem(api.login(newUsername(), "a wrong passphrase", "laptop"), 401, "invalid_credentials");
    assertThat(wrong.getString("detail")).isEqualTo(unknown.getString("detail"));
  }

  @Test
  @DisplayName("GET/PATCH /v1/me read and change the display name; look-up by username is case-insensitive")
  void profile() {
    ApiHarness.Session alice = api.newUser();
    JsonObject me = expect(api.get("/v1/me", alice.accessToken()), 200).bodyAsJsonObject();
    assertThat(me.getString("userId")).isEqualTo(alice.userId().toString());
    assertThat(me.getString("createdAt")).endsWith("Z");

    JsonObject changed = expect(api.send(HttpMethod.PATCH, "/v1/me", alice.accessToken(),
        new JsonObject().put("displayName", "  Alice A.  ")), 200).bodyAsJsonObject();
    assertThat(changed.getString("displayName")).isEqualTo("Alice A.");
    problem(api.send(HttpMethod.PATCH, "/v1/me", alice.accessToken(), new JsonObject().put("displayName", "")),
        422, "invalid_field");
    problem(api.send(HttpMethod.PATCH, "/v1/me", alice.accessToken(), new JsonObject().put("username", "x")),
        422, "unknown_field");

    ApiHarness.Session bob = api.newUser();
    JsonObject found = expect(api.get("/v1/users/by-username/" + alice.username().toUpperCase(), bob.accessToken()), 200)
        .bodyAsJsonObject();
    assertThat(found).isEqualTo(new JsonObject().put("userId", alice.userId().toString())
        .put("username", alice.username()).put("displayName", "Alice A."));
    problem(api.get("/v1/users/by-username/" + newUsername(), bob.accessToken()), 404, "user_not_found");
  }

  @Test
  @DisplayName("routes other than signup/login/refresh need a bearer token; unknown routes and methods are problems too")
  void authRequiredAndUnknownRoutes() {
    var counter = api.meters.counter("parley.api.problems", "code", "auth_required");
    double before = counter.count();
    problem(api.get("/v1/me", null), 401, "auth_required");
    assertThat(counter.count()).as("refusals are counted by code on /metrics").isEqualTo(before + 1);
    HttpResponse<Buffer> basic = await(api.request(HttpMethod.GET, "/v1/me").putHeader("authorization", "Basic eDp5").send());
    problem(basic, 401, "auth_required");
    assertThat(basic.getHeader("www-authenticate")).startsWith("Bearer");
    problem(api.get("/v1/nothing-here", null), 404, "not_found");
    problem(api.send(HttpMethod.PUT, "/v1/me", null, null), 405, "method_not_allowed");
  }

  @Test
  @DisplayName("the API serves its OpenAPI document")
  void servesOpenApi() {
    HttpResponse<Buffer> doc = expect(api.get("/openapi.yaml", null), 200);
    assertThat(doc.getHeader("content-type")).isEqualTo("application/yaml");
    assertThat(doc.bodyAsString()).startsWith("openapi: 3.1.0");
  }
}
