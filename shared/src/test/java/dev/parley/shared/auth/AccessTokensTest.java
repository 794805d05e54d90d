package dev.parley.shared.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccessTokensTest {
  private static Vertx vertx;
  private static AccessTokens tokens;
  private static JwtKeys keys;
  @TempDir
  static Path dir;

  @BeforeAll
  static void setUp() throws Exception {
    vertx = Vertx.vertx();
    JwtKeyGenerator.generate(dir);
    keys = await(JwtKeys.load(vertx, dir.toString(), "", true));
    tokens = new AccessTokens(vertx, keys, "parley", "parley", 900);
  }

  @AfterAll
  static void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("an issued token verifies to the same user and device")
  void roundTrip() {
    UUID user = UUID.randomUUID();
    UUID device = UUID.randomUUID();
    AccessClaims claims = await(tokens.verify(tokens.issue(user, device)));
    assertThat(claims.userId()).isEqualTo(user);
    assertThat(claims.deviceId()).isEqualTo(device);
    assertThat(claims.expiresAtEpochSeconds()).isGreaterThan(System.currentTimeMillis() / 1000);
  }

  @Test
  @DisplayName("a token whose payload was altered is refused")
  void tampered() {
    String[] parts = tokens.issue(UUID.randomUUID(), UUID.randomUUID()).split("\\.");
    JsonObject payload = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    payload.put("sub", UUID.randomUUID().toString());
    String forged = parts[0] + "." + b64(payload.encode()) + "." + parts[2];
    assertRefused(forged, "rejected");
  }

  @Test
  @DisplayName("alg none and HS256 tokens are refused before any signature check")
  void wrongAlgorithms() {
    String payload = b64(new JsonObject().put("sub", UUID.randomUUID().toString()).put("did", UUID.randomUUID().toString())
        .put("iss", "parley").put("aud", "parley").put("exp", System.currentTimeMillis() / 1000 + 600).encode());
    String none = b64("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"" + keys.signingKeyId() + "\"}") + "." + payload + ".";
    assertRefused(none, "algorithm must be ES256");
    JWTAuth hmac = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256")
        .setBuffer("a-shared-secret-an-attacker-might-guess").setId(keys.signingKeyId())));
    String hs = hmac.generateToken(new JsonObject().put("did", UUID.randomUUID().toString()).put("jti", "x"),
        new JWTOptions().setAlgorithm("HS256").setSubject(UUID.randomUUID().toString()).setIssuer("parley")
            .addAudience("parley").setHeader(new JsonObject().put("kid", keys.signingKeyId())));
    assertRefused(hs, "algorithm must be ES256");
  }

  @Test
  @DisplayName("an expired token is refused")
  void expired() throws Exception {
    java.time.Clock anHourAgo = java.time.Clock.offset(java.time.Clock.systemUTC(), java.time.Duration.ofHours(-1));
    AccessTokens past = new AccessTokens(vertx, keys, "parley", "parley", 900, anHourAgo);
    assertRefused(past.issue(UUID.randomUUID(), UUID.randomUUID()), "expired");
  }

  @Test
  @DisplayName("a token for another audience, or signed by a key we do not know, is refused")
  void wrongAudienceOrKey(@TempDir Path other) throws Exception {
    AccessTokens otherAudience = new AccessTokens(vertx, keys, "parley", "someone-else", 900);
    assertRefused(otherAudience.issue(UUID.randomUUID(), UUID.randomUUID()), "rejected");
    JwtKeyGenerator.generate(other);
    AccessTokens stranger = new AccessTokens(vertx, await(JwtKeys.load(vertx, other.toString(), "", true)),
        "parley", "parley", 900);
    assertRefused(stranger.issue(UUID.randomUUID(), UUID.randomUUID()), "key id is unknown");
  }

  @Test
  @DisplayName("garbage, empty and oversized tokens are refused with a client-safe message")
  void garbage() {
    assertRefused("", "missing");
    assertRefused("abc", "not a signed JWT");
    assertRefused("a".repeat(5000), "oversized");
    assertRefused("!!!.e30.x", "header is malformed");
  }

  @Test
  @DisplayName("a verify-only node loads public keys without any private key")
  void verifyOnly() throws Exception {
    Path publicOnly = Files.createTempDirectory("pub");
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".public.pem")).toList()) {
        Files.copy(f, publicOnly.resolve(f.getFileName()));
      }
    }
    JwtKeys verifyKeys = await(JwtKeys.load(vertx, publicOnly.toString(), "", false));
    assertThat(verifyKeys.canSign()).isFalse();
    AccessTokens verifier = new AccessTokens(vertx, verifyKeys, "parley", "parley", 900);
    UUID user = UUID.randomUUID();
    assertThat(await(verifier.verify(tokens.issue(user, UUID.randomUUID()))).userId()).isEqualTo(user);
    assertThatThrownBy(() -> verifier.issue(user, UUID.randomUUID())).isInstanceOf(IllegalStateException.class);
  }

  private static void assertRefused(String token, String messagePart) {
    assertThatThrownBy(() -> await(tokens.verify(token))).hasCauseInstanceOf(InvalidTokenException.class)
        .cause().hasMessageContaining(messagePart);
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new RuntimeException(e.getCause());
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }
}
