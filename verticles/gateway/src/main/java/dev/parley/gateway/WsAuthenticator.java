package dev.parley.gateway;

import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import dev.parley.shared.auth.AccessClaims;
import dev.parley.shared.auth.AccessTokens;
import dev.parley.shared.auth.InvalidTokenException;
import dev.parley.shared.auth.RevokedDevices;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocketHandshake;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Authenticates a WebSocket upgrade before it is accepted: the access token from {@code Authorization: Bearer}
 * or, for browsers (which cannot set headers on a WebSocket), the {@code access_token} query parameter; a revoked
 * device or a logged-out token is refused like a bad token. Refusals are {@link Refusal}s; the upgrade answers their code's HTTP status.
 */
final class WsAuthenticator {
  private final AccessTokens tokens;
  private final RevokedDevices revoked;

  WsAuthenticator(AccessTokens tokens, RevokedDevices revoked) {
    this.tokens = tokens;
    this.revoked = revoked;
  }

  Future<AccessClaims> authenticate(ServerWebSocketHandshake hs) {
    String token;
    try {
      token = token(hs.headers().get("Authorization"), hs.query());
    } catch (IllegalArgumentException malformedEscape) {
      return Future.failedFuture(Refusal.of(ErrorCode.INVALID_TOKEN, "the access_token parameter is not percent-encoded"));
    }
    if (token == null) {
      return Future.failedFuture(Refusal.of(ErrorCode.AUTH_REQUIRED, "access token required"));
    }
    return verify(token);
  }

  /** Verifies a token (signature, claims, expiry) and that neither it nor its device is revoked. */
  Future<AccessClaims> verify(String token) {
    return tokens.verify(token)
        // Any failure to verify is the token's: its claims are read inside verify too.
        .recover(err -> Future.failedFuture(Refusal.of(ErrorCode.INVALID_TOKEN, err instanceof InvalidTokenException
            ? err.getMessage() : "access token rejected")))
        .compose(claims -> revoked.check(claims, "device revoked"));
  }

  static String token(String authorization, String query) {
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return authorization.substring(7).trim();
    }
    if (query != null) {
      for (String pair : query.split("&")) {
        if (pair.startsWith("access_token=")) {
          return URLDecoder.decode(pair.substring("access_token=".length()), StandardCharsets.UTF_8);
        }
      }
    }
    return null;
  }
}
