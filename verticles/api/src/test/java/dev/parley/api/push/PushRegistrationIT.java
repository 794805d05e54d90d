package dev.parley.api.push;

import dev.parley.api.ApiHarness;
import dev.parley.api.ApiHarness.Session;
import dev.parley.snslocal.SnsLocalServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Optional;

import static dev.parley.api.ApiHarness.expect;
import static dev.parley.api.ApiHarness.problem;
import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Push registration against the real PostgreSQL and Redis and the local SNS stand-in (started here, in-process, on
 * an ephemeral port), through the real AWS SDK client of the api role.
 */
class PushRegistrationIT {
  private static Vertx snsVertx;
  private static WebClient control;
  private static int snsPort;
  private static ApiHarness api;

  @BeforeAll
  static void start() {
    // Fake static credentials for the SDK's default chain: tests only; the stand-in checks no signature.
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    snsVertx = Vertx.vertx();
    SnsLocalServer sns = new SnsLocalServer("127.0.0.1", 0, Clock.systemUTC());
    await(snsVertx.deployVerticle(sns));
    snsPort = sns.actualPort();
    control = WebClient.create(snsVertx);
    // scripts/infra env exports the override of the scripts' stand-in; this test talks to its own.
    api = ApiHarness.start(new JsonObject().put("push", new JsonObject()
        .put("endpointOverride", "http://127.0.0.1:" + snsPort)), java.util.Set.of("PARLEY_PUSH_ENDPOINT_OVERRIDE"));
  }

  @AfterAll
  static void stop() {
    api.close();
    control.close();
    await(snsVertx.close());
  }

  private static String apnsToken(char c) {
    return String.valueOf(c).repeat(64);
  }

  private static JsonObject body(String platform, String token) {
    return new JsonObject().put("platform", platform).put("token", token);
  }

  private static Optional<JsonObject> endpointWithToken(String token) {
    JsonArray all = await(control.get(snsPort, "127.0.0.1", "/_local/endpoints").send()).bodyAsJsonObject()
        .getJsonArray("endpoints");
    return all.stream().map(JsonObject.class::cast)
        .filter(e -> token.equals(e.getJsonObject("attributes").getString("Token"))).findFirst();
  }

  @Test
  @DisplayName("a device registers an APNs token: one SNS endpoint, reused for the same token, updated for a new one")
  void registerAndUpdate() {
    Session phone = api.newUser();
    String path = "/v1/devices/" + phone.deviceId() + "/push";
    String token = apnsToken('a').substring(0, 60) + Long.toHexString(System.nanoTime() & 0xffff | 0x1000);
    JsonObject reg = expect(api.send(HttpMethod.PUT, path, phone.accessToken(), body("apns", token)), 200)
        .bodyAsJsonObject();
    assertThat(reg.getString("status")).isEqualTo("active");
    assertThat(reg.getString("platform")).isEqualTo("apns");
    JsonObject endpoint = endpointWithToken(token).orElseThrow();
    assertThat(endpoint.getString("platformApplicationArn")).endsWith(":app/APNS/parley-local");
    expect(api.send(HttpMethod.PUT, path, phone.accessToken(), body("apns", token)), 200);
    String newToken = token.substring(0, 63) + (token.endsWith("f") ? "e" : "f");
    expect(api.send(HttpMethod.PUT, path, phone.accessToken(), body("apns", newToken)), 200);
    JsonObject updated = endpointWithToken(newToken).orElseThrow();
    assertThat(updated.getString("endpointArn")).isEqualTo(endpoint.getString("endpointArn"));
    assertThat(endpointWithToken(token)).isEmpty();
    assertThat(expect(api.get(path, phone.accessToken()), 200).bodyAsJsonObject().getString("status"))
        .isEqualTo("active");
  }

  @Test
  @DisplayName("unknown platforms, malformed tokens and unknown fields are refused with 422 problem documents")
  void refusals() {
    Session phone = api.newUser();
    String path = "/v1/devices/" + phone.deviceId() + "/push";
    assertThat(problem(api.send(HttpMethod.PUT, path, phone.accessToken(), body("wns", apnsToken('a'))), 422,
        "unknown_push_platform").getString("field")).isEqualTo("platform");
    problem(api.send(HttpMethod.PUT, path, phone.accessToken(), body("APNS", apnsToken('a'))), 422,
        "unknown_push_platform");
    assertThat(problem(api.send(HttpMethod.PUT, path, phone.accessToken(), body("apns", "zz".repeat(32))), 422,
        "invalid_push_token").getString("field")).isEqualTo("token");
    problem(api.send(HttpMethod.PUT, path, phone.accessToken(), body("apns", apnsToken('a') + "0")), 422,
        "invalid_push_token");
    problem(api.send(HttpMethod.PUT, path, phone.accessToken(), body("fcm", "short")), 422, "invalid_push_token");
    problem(api.send(HttpMethod.PUT, path, phone.accessToken(), body("fcm", "has spaces and <tags> ".repeat(3))),
        422, "invalid_push_token");
    problem(api.send(HttpMethod.PUT, path, phone.accessToken(), body("fcm", "a".repeat(40)).put("extra", 1)), 422,
        "unknown_field");
    problem(api.get(path, phone.accessToken()), 404, "push_not_registered");
  }

  @Test
  @DisplayName("only the device itself registers: another device of the user gets 403, another user 404")
  void onlyOwnDevice() {
    Session phone = api.newUser();
    Session laptop = api.newDevice(phone, "laptop");
    Session mallory = api.newUser();
    String path = "/v1/devices/" + phone.deviceId() + "/push";
    String token = "fcm-" + "x".repeat(40) + System.nanoTime();
    problem(api.send(HttpMethod.PUT, path, laptop.accessToken(), body("fcm", token)), 403, "push_not_own_device");
    problem(api.send(HttpMethod.PUT, path, mallory.accessToken(), body("fcm", token)), 404, "device_not_found");
    problem(api.send(HttpMethod.DELETE, path, mallory.accessToken(), null), 404, "device_not_found");
    assertThat(endpointWithToken(token)).isEmpty();
  }

  @Test
  @DisplayName("removing a device, logging out, or unregistering deletes the device's SNS endpoint")
  void endpointsDeleted() {
    Session phone = api.newUser();
    Session laptop = api.newDevice(phone, "laptop");
    Session tablet = api.newDevice(phone, "tablet");
    String t1 = "fcm-removed-" + "a".repeat(30) + System.nanoTime();
    String t2 = "fcm-logout-" + "b".repeat(30) + System.nanoTime();
    String t3 = "fcm-unreg-" + "c".repeat(30) + System.nanoTime();
    expect(api.send(HttpMethod.PUT, "/v1/devices/" + laptop.deviceId() + "/push", laptop.accessToken(),
        body("fcm", t1)), 200);
    expect(api.send(HttpMethod.PUT, "/v1/devices/" + tablet.deviceId() + "/push", tablet.accessToken(),
        body("fcm", t2)), 200);
    expect(api.send(HttpMethod.PUT, "/v1/devices/" + phone.deviceId() + "/push", phone.accessToken(),
        body("fcm", t3)), 200);
    assertThat(endpointWithToken(t1)).isPresent();

    expect(api.send(HttpMethod.DELETE, "/v1/devices/" + laptop.deviceId(), phone.accessToken(), null), 204);
    assertThat(endpointWithToken(t1)).isEmpty();
    expect(api.post("/v1/auth/logout", tablet.accessToken(), null), 204);
    assertThat(endpointWithToken(t2)).isEmpty();
    expect(api.send(HttpMethod.DELETE, "/v1/devices/" + phone.deviceId() + "/push", phone.accessToken(), null), 204);
    expect(api.send(HttpMethod.DELETE, "/v1/devices/" + phone.deviceId() + "/push", phone.accessToken(), null), 204);
    assertThat(endpointWithToken(t3)).isEmpty();
    problem(api.get("/v1/devices/" + phone.deviceId() + "/push", phone.accessToken()), 404, "push_not_registered");
  }

  @Test
  @DisplayName("an SNS failure during registration is a 503 push_unavailable, and a retry then succeeds")
  void snsFailure() {
    Session phone = api.newUser();
    String path = "/v1/devices/" + phone.deviceId() + "/push";
    String token = "fcm-retry-" + "d".repeat(30) + System.nanoTime();
    expect(await(control.post(snsPort, "127.0.0.1", "/_local/faults").sendJsonObject(new JsonObject()
        .put("status", 500).put("count", 1).put("action", "CreatePlatformEndpoint"))), 200);
    problem(api.send(HttpMethod.PUT, path, phone.accessToken(), body("fcm", token)), 503, "push_unavailable");
    problem(api.get(path, phone.accessToken()), 404, "push_not_registered");
    expect(api.send(HttpMethod.PUT, path, phone.accessToken(), body("fcm", token)), 200);
    assertThat(endpointWithToken(token)).isPresent();
  }
}
