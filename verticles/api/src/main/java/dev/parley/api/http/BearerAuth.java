package dev.parley.api.http;

import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import dev.parley.shared.auth.AccessClaims;
import dev.parley.shared.auth.AccessTokens;
import dev.parley.shared.auth.InvalidTokenException;
import dev.parley.shared.auth.RevokedDevices;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Authenticates a request by its {@code Authorization: Bearer} access token: the shared verifier (ES256 only, known
 * kid, expiry, issuer, audience) and then the revocations (device removed: {@code device_revoked}; token logged out:
 * {@code token_revoked}), so both are refused at once rather than when the token expires. Stores the {@link AccessClaims} for {@link #caller(RoutingContext)}.
 */
public final class BearerAuth implements Handler<RoutingContext> {
  private static final String CLAIMS_KEY = "parley.claims";

  private final AccessTokens tokens;
  private final RevokedDevices revoked;

  public BearerAuth(AccessTokens tokens, RevokedDevices revoked) {
    this.tokens = tokens;
    this.revoked = revoked;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ctx.fail(Refusal.of(ErrorCode.AUTH_REQUIRED, "this route needs an Authorization: Bearer access token"));
      return;
    }
    tokens.verify(header.substring(7).trim())
        .recover(err -> Future.failedFuture(err instanceof InvalidTokenException
            ? Refusal.of(ErrorCode.INVALID_TOKEN, err.getMessage()) : err))
        .compose(claims -> revoked.check(claims, "this device has been signed out"))
        .onSuccess(claims -> {
          ctx.put(CLAIMS_KEY, claims);
          ctx.next();
        })
        .onFailure(ctx::fail);
  }

  /** The authenticated caller; only on routes behind this handler. */
  public static AccessClaims caller(RoutingContext ctx) {
    AccessClaims claims = ctx.get(CLAIMS_KEY);
    if (claims == null) {
      throw new IllegalStateException("route is not behind BearerAuth");
    }
    return claims;
  }
}
