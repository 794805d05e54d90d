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
import java.util.regex.Pattern;

/**
 * Issues and verifies Parley access tokens: short-lived JWTs signed with ES256 (the only algorithm accepted,
 * checked before any signature work), carrying {@code sub} = user id, {@code did} = device id, {@code jti},
 * issuer and audience, and the signing key's {@code kid} in the header.
 *
 * <p>A token has exactly one accepted spelling: three canonical unpadded base64url segments and a 64-byte
 * R&#8214;S signature (see {@link #checkCompactForm}). Expiry is checked here against the injected clock with a
 * small configurable leeway ({@code auth.clockSkewSeconds}), not by vert.x, so the boundary is exact and testable.
 */
public final class AccessTokens {
  public static final String ALGORITHM = "ES256";
  /** ES256 signatures in JWS are the raw 32-byte R and S concatenated (RFC 7518 §3.4), never DER. */
  private static final int SIGNATURE_BYTES = 64;
  private static final Pattern COMPACT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

  private final JWTAuth verifier;
  private final JWTAuth signer;
  private final JwtKeys keys;
  private final String issuer;
  private final String audience;
  private final int ttlSeconds;
  private final int clockSkewSeconds;
  private final Clock clock;

  /**
   * @param clockSkewSeconds how long after {@code exp} a token is still accepted, to absorb clock differences
   *                         between the api that issued it and the node that checks it
   */
  public AccessTokens(Vertx vertx, JwtKeys keys, String issuer, String audience, int ttlSeconds,
                      int clockSkewSeconds, Clock clock) {
    this.clock = clock;
    this.keys = keys;
    this.issuer = issuer;
    this.audience = audience;
    this.ttlSeconds = ttlSeconds;
    this.clockSkewSeconds = clockSkewSeconds;
    // Expiry is ours (injected clock, exact leeway): vert.x would read the system clock with its own leeway.
    JWTOptions checks = new JWTOptions().setIssuer(issuer).addAudience(audience).setIgnoreExpiration(true);
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
      checkCompactForm(token);
    } catch (InvalidTokenException e) {
      return Future.failedFuture(e);
    }
    return verifier.authenticate(new TokenCredentials(token))
        .recover(err -> Future.failedFuture(new InvalidTokenException("access token rejected: " + err.getMessage())))
        .map(user -> claims(user.attributes().getJsonObject("accessToken", user.principal())))
        .compose(this::checkTimes);
  }

  /**
   * JWS compact serialization, exactly: base64url decoders skip padding, ignore a trailing partial character and
   * the unused low bits of the last one, and the JCA verifier also takes a DER signature, so without this check
   * one token would have many accepted spellings ({@code T}, {@code Tx}, {@code T==}, a DER re-encoding).
   */
  private static void checkCompactForm(String token) {
    if (!COMPACT.matcher(token).matches()) {
      throw new InvalidTokenException("access token is not a signed JWT");
    }
    String[] parts = token.split("\\.", -1);
    for (String part : parts) {
      if (!Base64.getUrlEncoder().withoutPadding().encodeToString(decode(part)).equals(part)) {
        throw new InvalidTokenException("access token is not canonical base64url");
      }
    }
    if (decode(parts[2]).length != SIGNATURE_BYTES) {
      throw new InvalidTokenException("access token signature must be 64 bytes (R||S)");
    }
  }

  private static byte[] decode(String segment) {
    try {
      return Base64.getUrlDecoder().decode(segment);
    } catch (IllegalArgumentException e) {
      throw new InvalidTokenException("access token is not canonical base64url");
    }
  }

  private Future<AccessClaims> checkTimes(AccessClaims claims) {
    long now = clock.instant().getEpochSecond();
    if (now >= claims.expiresAtEpochSeconds() + clockSkewSeconds) {
      return Future.failedFuture(new InvalidTokenException("access token expired"));
    }
    return Future.succeededFuture(claims);
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
