package dev.parley.bench.load;

import dev.parley.shared.auth.AccessTokens;
import dev.parley.shared.auth.JwtKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.UUID;

/**
 * Access tokens for the fixture's devices. Against Parley the load tester acts as the operator: it signs tokens
 * itself with the nodes' private key from {@code auth.keysDir} ({@code .parley/secrets/jwt}, env
 * {@code PARLEY_AUTH_KEYS_DIR}) exactly as the api would after a login — same claims, issuer, audience and key id —
 * only with a lifetime long enough for the run (the gateway checks a token at connect). The relay baseline checks
 * nothing; its tokens are unsigned and only carry the ids.
 */
public interface Tokens {
  String issue(UUID userId, UUID deviceId);

  int TTL_SECONDS = 6 * 3_600;

  static Future<Tokens> signed(Vertx vertx, String keysDir, String issuer, String audience) {
    return JwtKeys.load(vertx, keysDir, "", true)
        .recover(err -> Future.failedFuture(new IllegalStateException("cannot load the signing key from " + keysDir
            + " (set --keys-dir or PARLEY_AUTH_KEYS_DIR; scripts/nodes start creates .parley/secrets/jwt): "
            + err.getMessage(), err)))
        .map(keys -> {
          AccessTokens tokens = new AccessTokens(vertx, keys, issuer, audience, TTL_SECONDS, 0, Clock.systemUTC());
          return tokens::issue;
        });
  }

  /** For the relay: a JWT-shaped string with the ids and no signature. */
  static Tokens unsigned() {
    return (user, device) -> "relay." + Base64.getUrlEncoder().withoutPadding().encodeToString(new JsonObject()
        .put("sub", user.toString()).put("did", device.toString()).encode().getBytes(StandardCharsets.UTF_8)) + ".none";
  }

  /** Reads the ids from any JWT-shaped token without checking it (the relay's "authentication"). */
  static UUID[] unverifiedIds(String token) {
    String[] parts = token.split("\\.");
    if (parts.length < 2) {
      throw new IllegalArgumentException("not a JWT-shaped token");
    }
    JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    return new UUID[] {UUID.fromString(claims.getString("sub")), UUID.fromString(claims.getString("did"))};
  }
}
