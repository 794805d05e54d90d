package dev.parley.shared.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.UUID;

/**
 * Issues and verifies Parley access tokens: short-lived JWTs signed with ES256 (the only algorithm accepted,
 * checked before any signature work), carrying {@code sub} = user id, {@code did} = device id, {@code jti},
 * issuer and audience, and the signing key's {@code kid} in the header.
 */
public final class AccessTokens {
  public static final String ALGORITHM = "ES256";
  private static final int LEEWAY_SECONDS = 5;

  private final JWTAuth verifier;
  private final JWTAuth signer;
  private final JwtKeys keys;
  private final String issuer;
  private final String audience;
  private final int ttlSeconds;
  private final Clock clock;

  public AccessTokens(Vertx vertx, JwtKeys keys, String issuer, String audience, int ttlSeconds) {
    this(vertx, keys, issuer, audience, ttlSeconds, Clock.systemUTC());
  }

  public AccessTokens(Vertx vertx, JwtKeys keys, String issuer, String audience, int ttlSeconds, Clock clock) {
    this.clock = clock;
    this.keys = keys;
    this.issuer = issuer;
    this.audience = audience;
    this.ttlSeconds = ttlSeconds;
    JWTOptions checks = new JWTOptions().setIssuer(issuer).addAudience(audience).setLeeway(LEEWAY_SECONDS);
    JWTAuthOptions verifyOptions = new JWTAuthOptions().setJWTOptions(checks);
    keys.publicPems().forEach((kid, pem) ->
        verifyOptions.addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setId(kid).setBuffer(pem)));
    this.verifier = JWTAuth.create(vertx, verifyOptions);
    this.signer = keys.canSign() ? JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(
        new PubSecKeyOptions().setAlgorithm(ALGORITHM).setId(keys.signingKeyId()).setBuffer(keys.signingPrivatePem())))
        : null;
  }

  public int ttlSeconds() {
    return ttlSeconds;
  }

  /** A new access token for {@code deviceId} of {@code userId}. Only on nodes that hold the signing key. */
  public String issue(UUID userId, UUID deviceId) {
    if (signer == null) {
      throw new IllegalStateException("this node has no signing key (only the api role issues tokens)");
    }
    long now = clock.instant().getEpochSecond();
    JsonObject claims = new JsonObject().put("did", deviceId.toString()).put("jti", UUID.randomUUID().toString())
        .put("iat", now).put("exp", now + ttlSeconds);
    // Timestamps come from the injected clock, so vert.x must not add its own.
    return signer.generateToken(claims, new JWTOptions().setAlgorithm(ALGORITHM).setSubject(userId.toString())
        .setIssuer(issuer).addAudience(audience).setNoTimestamp(true)
        .setHeader(new JsonObject().put("kid", keys.signingKeyId())));
  }

  /**
   * Verifies signature, algorithm, key id, expiry, issuer and audience, and the claims' shape. Fails with
   * {@link InvalidTokenException} (its message is safe to show the client) for any bad token.
   */
  public Future<AccessClaims> verify(String token) {
    if (token == null || token.isBlank() || token.length() > 4096) {
      return Future.failedFuture(new InvalidTokenException("missing or oversized access token"));
    }
    try {
      checkHeader(token);
    } catch (InvalidTokenException e) {
      return Future.failedFuture(e);
    }
    return verifier.authenticate(new TokenCredentials(token))
        .recover(err -> Future.failedFuture(new InvalidTokenException("access token rejected: " + err.getMessage())))
        .map(user -> claims(user.attributes().getJsonObject("accessToken", user.principal())));
  }

  private void checkHeader(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw new InvalidTokenException("access token is not a signed JWT");
    }
    JsonObject header;
    try {
      header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | DecodeException e) {
      throw new InvalidTokenException("access token header is malformed");
    }
    if (!ALGORITHM.equals(header.getValue("alg"))) {
      throw new InvalidTokenException("access token algorithm must be " + ALGORITHM);
    }
    Object kid = header.getValue("kid");
    if (!(kid instanceof String k) || !keys.publicPems().containsKey(k)) {
      throw new InvalidTokenException("access token key id is unknown");
    }
  }

  private static AccessClaims claims(JsonObject principal) {
    try {
      UUID user = UUID.fromString(principal.getString("sub"));
      UUID device = UUID.fromString(principal.getString("did"));
      String jti = principal.getString("jti");
      Long exp = principal.getLong("exp");
      if (jti == null || exp == null) {
        throw new InvalidTokenException("access token lacks jti or exp");
      }
      return new AccessClaims(user, device, jti, exp);
    } catch (IllegalArgumentException | NullPointerException | ClassCastException e) {
      throw new InvalidTokenException("access token claims are malformed");
    }
  }
}
