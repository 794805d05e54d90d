package dev.parley.gateway;

import dev.parley.protocol.SessionFrames;
import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import dev.parley.shared.auth.AccessClaims;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Set;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * A socket lives no longer than the access token it runs on (docs/protocol.md, "Token expiry"): at the token's
 * {@code exp} plus the accepted clock skew it is closed with {@link Session#CLOSE_TOKEN_EXPIRED}, unless the client
 * sent a fresh token of the same device first in an {@code auth} frame, which moves the deadline to the new
 * token's expiry. A refused {@code auth} leaves the socket on its current token (an {@code error} frame says why).
 */
final class TokenExpiry {
  private static final Set<String> FIELDS = Set.of("type", "token", "id");

  private final Vertx vertx;
  private final Function<String, Future<AccessClaims>> verify;
  private final LongSupplier nowMs;
  private final int clockSkewSeconds;

  /**
   * @param verify the gateway's token check (signature, claims, expiry, revocations), as at the upgrade
   * @param clockSkewSeconds {@code auth.clockSkewSeconds}: a token is accepted that long after {@code exp}
   */
  TokenExpiry(Vertx vertx, Function<String, Future<AccessClaims>> verify, LongSupplier nowMs, int clockSkewSeconds) {
    this.vertx = vertx;
    this.verify = verify;
    this.nowMs = nowMs;
    this.clockSkewSeconds = clockSkewSeconds;
  }

  /** The socket now runs on {@code claims}' token: (re)arms its close at that token's expiry. */
  void arm(Session s, AccessClaims claims) {
    disarm(s);
    s.tokenId = claims.tokenId();
    long delayMs = Math.max(1, (claims.expiresAtEpochSeconds() + clockSkewSeconds) * 1_000 - nowMs.getAsLong());
    s.expiryTimer = vertx.setTimer(delayMs, id -> s.close(Session.CLOSE_TOKEN_EXPIRED,
        "access token expired: send a fresh one in an 'auth' frame before it expires"));
  }

  void disarm(Session s) {
    if (s.expiryTimer >= 0) {
      vertx.cancelTimer(s.expiryTimer);
      s.expiryTimer = -1;
    }
  }

  /** {@code {"type":"auth","token":"…","id":…}}: answers {@code auth.ok} or an {@code error} echoing {@code id}. */
  void onFrame(Session s, JsonObject frame) {
    Object id = frame.getValue("id");
    for (String name : frame.fieldNames()) {
      if (!FIELDS.contains(name)) {
        refuse(s, frame, new Refusal(ErrorCode.INVALID_FIELD, name, "'auth' takes only 'token' and 'id'"));
        return;
      }
    }
    if (!(frame.getValue("token") instanceof String token)) {
      refuse(s, frame, new Refusal(ErrorCode.INVALID_FIELD, "token", "'token' must be an access token string"));
      return;
    }
    verify.apply(token)
        .compose(claims -> claims.userId().equals(s.userId) && claims.deviceId().equals(s.deviceId)
            ? Future.succeededFuture(claims)
            : Future.failedFuture(new Refusal(ErrorCode.INVALID_TOKEN, "token",
                "the token belongs to another device; a socket keeps its device")))
        .onSuccess(claims -> {
          if (!s.isClosed()) {
            arm(s, claims);
            s.write(SessionFrames.authOk(claims.expiresAtEpochSeconds(), id));
          }
        })
        .onFailure(err -> refuse(s, frame, err instanceof Refusal r ? r
            : Refusal.of(ErrorCode.UNAVAILABLE, "the token cannot be checked right now; retry shortly")));
  }

  private static void refuse(Session s, JsonObject frame, Refusal r) {
    s.write(ErrorFrames.echo(ErrorFrames.of(r), frame, "id"));
  }
}
