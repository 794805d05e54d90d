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
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
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
    JwtKeyGenerator.generate(dir, java.time.Clock.systemUTC());
    keys = await(JwtKeys.load(vertx, dir.toString(), "", true));
    tokens = new AccessTokens(vertx, keys, "parley", "parley", 900, 2, Clock.systemUTC());
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
    AccessTokens past = new AccessTokens(vertx, keys, "parley", "parley", 900, 2, anHourAgo);
    assertRefused(past.issue(UUID.randomUUID(), UUID.randomUUID()), "expired");
  }

  @Test
  @DisplayName("a token is accepted until exp + auth.clockSkewSeconds and refused from that second on")
  void expiryBoundary() {
    Instant issuedAt = Instant.parse("2026-01-01T00:00:00Z");
    String token = new AccessTokens(vertx, keys, "parley", "parley", 60, 2, Clock.fixed(issuedAt, ZoneOffset.UTC))
        .issue(UUID.randomUUID(), UUID.randomUUID());
    Instant exp = issuedAt.plusSeconds(60);
    assertThat(await(at(exp.minusSeconds(1), 0).verify(token)).expiresAtEpochSeconds()).isEqualTo(exp.getEpochSecond());
    assertThatThrownBy(() -> await(at(exp, 0).verify(token))).hasMessageContaining("expired");
    assertThat(await(at(exp.plusSeconds(1), 2).verify(token)).expiresAtEpochSeconds()).isEqualTo(exp.getEpochSecond());
    assertThatThrownBy(() -> await(at(exp.plusSeconds(2), 2).verify(token))).hasMessageContaining("expired");
    assertThatThrownBy(() -> await(at(exp.plusSeconds(77), 2).verify(token))).hasMessageContaining("expired");
  }

  private static AccessTokens at(Instant now, int skewSeconds) {
    return new AccessTokens(vertx, keys, "parley", "parley", 60, skewSeconds, Clock.fixed(now, ZoneOffset.UTC));
  }

  @Test
  @DisplayName("a token has one spelling: appended characters, padding or altered unused bits are refused")
  void oneSpelling() {
    String token = tokens.issue(UUID.randomUUID(), UUID.randomUUID());
    assertThat(await(tokens.verify(token))).isNotNull();
    for (String tail : new String[] {"A", "Q", "_", "-", "9", "==", "=", " ", ".", "AA", "AAAA"}) {
      assertThatThrownBy(() -> await(tokens.verify(token + tail))).as("token + '%s'", tail)
          .hasCauseInstanceOf(InvalidTokenException.class);
    }
    // 64 bytes are 86 base64url characters; the last carries 4 unused bits that a lenient decoder ignores.
    String[] parts = token.split("\\.");
    char last = parts[2].charAt(parts[2].length() - 1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char sibling = alphabet.charAt(alphabet.indexOf(last) ^ 1);
    String otherBits = parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 1) + sibling;
    assertThat(Base64.getUrlDecoder().decode(otherBits.split("\\.")[2]))
        .isEqualTo(Base64.getUrlDecoder().decode(parts[2]));
    assertRefused(otherBits, "canonical");
    assertRefused(parts[0] + "." + parts[1] + "=." + parts[2], "not a signed JWT");
  }

  @Test
  @DisplayName("a genuine ES256 signature re-encoded as DER is refused: JWS signatures are exactly 64 bytes R||S")
  void derSignature() {
    String token = tokens.issue(UUID.randomUUID(), UUID.randomUUID());
    String[] parts = token.split("\\.");
    byte[] raw = Base64.getUrlDecoder().decode(parts[2]);
    String der = Base64.getUrlEncoder().withoutPadding().encodeToString(der(raw));
    assertRefused(parts[0] + "." + parts[1] + "." + der, "64 bytes");
    assertRefused(parts[0] + "." + parts[1] + "." + parts[2].substring(0, 84), "64 bytes");
  }

  /** ASN.1 SEQUENCE { INTEGER r, INTEGER s } of a raw 64-byte signature. */
  private static byte[] der(byte[] raw) {
    byte[] r = derInteger(Arrays.copyOfRange(raw, 0, 32));
    byte[] s = derInteger(Arrays.copyOfRange(raw, 32, 64));
    byte[] out = new byte[2 + r.length + s.length];
    out[0] = 0x30;
    out[1] = (byte) (r.length + s.length);
    System.arraycopy(r, 0, out, 2, r.length);
    System.arraycopy(s, 0, out, 2 + r.length, s.length);
    return out;
  }

  private static byte[] derInteger(byte[] magnitude) {
    int start = 0;
    while (start < magnitude.length - 1 && magnitude[start] == 0 && magnitude[start + 1] >= 0) {
      start++;
    }
    boolean pad = magnitude[start] < 0;
    int len = magnitude.length - start + (pad ? 1 : 0);
    byte[] out = new byte[2 + len];
    out[0] = 0x02;
    out[1] = (byte) len;
    System.arraycopy(magnitude, start, out, 2 + (pad ? 1 : 0), magnitude.length - start);
    return out;
  }

  @Test
  @DisplayName("a token for another audience, or signed by a key we do not know, is refused")
  void wrongAudienceOrKey(@TempDir Path other) throws Exception {
    AccessTokens otherAudience = new AccessTokens(vertx, keys, "parley", "someone-else", 900, 2, Clock.systemUTC());
    assertRefused(otherAudience.issue(UUID.randomUUID(), UUID.randomUUID()), "rejected");
    JwtKeyGenerator.generate(other, java.time.Clock.systemUTC());
    AccessTokens stranger = new AccessTokens(vertx, await(JwtKeys.load(vertx, other.toString(), "", true)),
        "parley", "parley", 900, 2, Clock.systemUTC());
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
    AccessTokens verifier = new AccessTokens(vertx, verifyKeys, "parley", "parley", 900, 2, Clock.systemUTC());
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
