package dev.parley.api;

import dev.parley.api.ApiHarness.Session;
import dev.parley.shared.auth.AccessTokens;
import dev.parley.shared.auth.JwtKeys;
import dev.parley.shared.it.ItConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.UUID;

import static dev.parley.api.ApiHarness.expect;
import static dev.parley.api.ApiHarness.problem;
import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Refresh rotation and reuse, logout, device limit, and bad access tokens refused at the REST edge. */
class TokensIT {
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
  private static ApiHarness api;
  private static JwtKeys keys;

  @BeforeAll
  static void start() {
    api = ApiHarness.start(new JsonObject().put("auth", new JsonObject().put("maxDevicesPerUser", 3)));
    keys = await(JwtKeys.load(api.vertx, ItConfig.keysDir().toString(), "", true));
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static JsonObject refresh(String token) {
    return new JsonObject().put("refreshToken", token);
  }

  @Test
  @DisplayName("refresh rotates: a new refresh token and a working access token for the same device")
  void refreshRotates() {
    Session alice = api.newUser();
    JsonObject next = expect(api.post("/v1/auth/refresh", null, refresh(alice.refreshToken())), 200).bodyAsJsonObject();
    assertThat(next.getString("deviceId")).isEqualTo(alice.deviceId().toString());
    assertThat(next.getString("userId")).isEqualTo(alice.userId().toString());
    assertThat(next.getString("refreshToken")).isNotEqualTo(alice.refreshToken());
    expect(api.get("/v1/me", next.getString("accessToken")), 200);
    JsonObject third = expect(api.post("/v1/auth/refresh", null, refresh(next.getString("refreshToken"))), 200)
        .bodyAsJsonObject();
    assertThat(third.getString("refreshToken")).isNotEqualTo(next.getString("refreshToken"));
  }

  @Test
  @DisplayName("reusing a rotated refresh token revokes the whole family and the device, access tokens included")
  void reuseRevokesFamily() {
    Session alice = api.newUser();
    JsonObject rotated = expect(api.post("/v1/auth/refresh", null, refresh(alice.refreshToken())), 200)
        .bodyAsJsonObject();

    problem(api.post("/v1/auth/refresh", null, refresh(alice.refreshToken())), 401, "refresh_token_reused");

    // The legitimate holder of the newest token is out too: two parties held the family, the server cannot tell.
    problem(api.post("/v1/auth/refresh", null, refresh(rotated.getString("refreshToken"))), 401,
        "invalid_refresh_token");
    problem(api.get("/v1/me", rotated.getString("accessToken")), 401, "device_revoked");
    problem(api.get("/v1/me", alice.accessToken()), 401, "device_revoked");
    // Logging in again as that device is refused; a new device works.
    problem(api.post("/v1/auth/login", null, new JsonObject().put("username", alice.username())
        .put("password", alice.password()).put("deviceName", "again").put("deviceId", alice.deviceId().toString())),
        404, "device_not_found");
    expect(api.login(alice.username(), alice.password(), "new phone"), 200);
  }

  @Test
  @DisplayName("an unknown refresh token and a logged-out family are refused with 401 invalid_refresh_token")
  void logoutEndsFamily() {
    problem(api.post("/v1/auth/refresh", null, refresh("prt_nonsense")), 401, "invalid_refresh_token");
    Session alice = api.newUser();
    expect(api.post("/v1/auth/logout", alice.accessToken(), null), 204);
    problem(api.post("/v1/auth/refresh", null, refresh(alice.refreshToken())), 401, "invalid_refresh_token");
    problem(api.post("/v1/auth/logout", null, null), 401, "auth_required");
  }

  @Test
  @DisplayName("login as an existing own device reuses it and ends its previous family; the device limit holds")
  void devicesOnLogin() {
    Session alice = api.newUser();
    JsonObject again = expect(api.post("/v1/auth/login", null, new JsonObject().put("username", alice.username())
        .put("password", alice.password()).put("deviceName", "phone 2").put("deviceId", alice.deviceId().toString())), 200)
        .bodyAsJsonObject();
    assertThat(again.getString("deviceId")).isEqualTo(alice.deviceId().toString());
    problem(api.post("/v1/auth/refresh", null, refresh(alice.refreshToken())), 401, "invalid_refresh_token");

    api.newDevice(alice, "tablet");
    api.newDevice(alice, "laptop");
    problem(api.login(alice.username(), alice.password(), "fourth"), 409, "device_limit_reached");

    Session bob = api.newUser();
    problem(api.post("/v1/auth/login", null, new JsonObject().put("username", bob.username())
        .put("password", bob.password()).put("deviceName", "stolen").put("deviceId", alice.deviceId().toString())),
        404, "device_not_found");
  }

  @Test
  @DisplayName("10 parallel logins as new devices never exceed the device limit (the user row is locked)")
  void parallelLoginsRespectDeviceLimit() {
    Session alice = api.newUser();
    java.util.List<io.vertx.core.Future<io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer>>> calls =
        new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      calls.add(api.request(io.vertx.core.http.HttpMethod.POST, "/v1/auth/login").sendJsonObject(new JsonObject()
          .put("username", alice.username()).put("password", alice.password()).put("deviceName", "d" + i)));
    }
    await(io.vertx.core.Future.all(calls));
    assertThat(calls.stream().filter(f -> f.result().statusCode() == 200)).hasSize(2);
    assertThat(calls.stream().filter(f -> f.result().statusCode() == 409)).hasSize(8);
    assertThat(expect(api.get("/v1/devices", alice.accessToken()), 200).bodyAsJsonObject().getJsonArray("devices"))
        .hasSize(3);
  }

  @Test
  @DisplayName("expired, tampered, wrong-algorithm, alg:none, unknown-kid and garbage access tokens are refused")
  void badAccessTokens() {
    Session alice = api.newUser();
    expect(api.get("/v1/me", alice.accessToken()), 200);

    Clock past = Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC);
    String expired = new AccessTokens(api.vertx, keys, api.config.auth().issuer(), api.config.auth().audience(), 60, 0, past)
        .issue(alice.userId(), alice.deviceId());
    problem(api.get("/v1/me", expired), 401, "invalid_token");

    String[] parts = alice.accessToken().split("\\.");
    JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    String otherUser = claims.copy().put("sub", UUID.randomUUID().toString()).encode();
    problem(api.get("/v1/me", parts[0] + "." + b64(otherUser) + "." + parts[2]), 401, "invalid_token");
    problem(api.get("/v1/me", parts[0] + "." + parts[1] + "." + flip(parts[2])), 401, "invalid_token");

    // HS256 "signed" with the public key as the HMAC secret: the classic algorithm-confusion attack.
    String hsHeader = b64(new JsonObject().put("alg", "HS256").put("typ", "JWT").put("kid", keys.signingKeyId()).encode());
    String hsInput = hsHeader + "." + parts[1];
    String hsToken = hsInput + "." + hmac(keys.publicPems().get(keys.signingKeyId()), hsInput);
    problem(api.get("/v1/me", hsToken), 401, "invalid_token");

    String none = b64(new JsonObject().put("alg", "none").put("typ", "JWT").encode()) + "." + parts[1] + ".";
    problem(api.get("/v1/me", none), 401, "invalid_token");
    String noneUpper = b64(new JsonObject().put("alg", "NONE").put("kid", keys.signingKeyId()).encode()) + "." + parts[1] + ".";
    problem(api.get("/v1/me", noneUpper), 401, "invalid_token");

    String unknownKid = b64(new JsonObject().put("alg", "ES256").put("kid", "other-key").encode()) + "." + parts[1] + "." + parts[2];
    problem(api.get("/v1/me", unknownKid), 401, "invalid_token");
    problem(api.get("/v1/me", "not-a-jwt"), 401, "invalid_token");

    // One token, one spelling (issue 12): lenient base64url decoding must not let appended characters,
    // padding or a DER re-encoding of the signature through.
    for (String tail : new String[] {"x", "A", "Q", "_", "-", "9", "=="}) {
      problem(api.get("/v1/me", alice.accessToken() + tail), 401, "invalid_token");
    }
  }

  private static String b64(String json) {
    return B64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String flip(String signature) {
    char[] chars = signature.toCharArray();
    int i = chars.length / 2;
    chars[i] = chars[i] == 'A' ? 'B' : 'A';
    return new String(chars);
  }

  private static String hmac(String secret, String input) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return B64URL.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
