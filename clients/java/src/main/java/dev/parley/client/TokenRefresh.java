package dev.parley.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Keeps a client's socket open past its access token's expiry (docs/protocol.md, "Token expiry"): at
 * {@link #REFRESH_AT} of the current token's remaining lifetime it takes a new token from the source (e.g.
 * {@link RestApi#refresher}), sends it in an {@code auth} frame and makes it the client's token (reconnects and
 * history use it too). Without a source nothing is scheduled and the gateway closes the socket with 4005 at expiry.
 * Used on the client's context only.
 */
final class TokenRefresh {
  private static final Logger LOG = LoggerFactory.getLogger(TokenRefresh.class);
  static final double REFRESH_AT = 0.8;
  static final long RETRY_MS = 5_000;

  private final Vertx vertx;
  private final Consumer<String> onNewToken;
  private final Predicate<String> sendFrame;
  private volatile String current;
  private Supplier<Future<String>> source;
  private long timer = -1;

  /**
   * @param onNewToken told each new token (the client's other users of it)
   * @param sendFrame writes a text frame to the open socket; false when there is none
   */
  TokenRefresh(Vertx vertx, String initial, Consumer<String> onNewToken, Predicate<String> sendFrame) {
    this.vertx = vertx;
    this.current = initial;
    this.onNewToken = onNewToken;
    this.sendFrame = sendFrame;
  }

  String current() {
    return current;
  }

  void source(Supplier<Future<String>> freshTokens) {
    this.source = freshTokens;
  }

  boolean enabled() {
    return source != null;
  }

  /** (Re)arms the refresh for the current token: at a socket's {@code ready} and at each {@code auth.ok}. */
  void schedule() {
    schedule(-1);
  }

  /** A fresh token now, without sending it (the socket is gone: the next connect uses it). */
  Future<String> refreshNow() {
    return source.get().onSuccess(this::use);
  }

  private void schedule(long delayOverrideMs) {
    vertx.cancelTimer(timer);
    long exp = expiresAtMs(current);
    if (source == null || exp < 0) {
      return;
    }
    long delay = delayOverrideMs >= 0 ? delayOverrideMs
        : Math.max(1_000, (long) ((exp - System.currentTimeMillis()) * REFRESH_AT));
    timer = vertx.setTimer(delay, t -> source.get().onComplete(ar -> {
      if (ar.succeeded()) {
        use(ar.result());
        sendFrame.test(new JsonObject().put("type", "auth").put("token", ar.result()).encode());
      } else {
        LOG.debug("token refresh failed, retrying in {} ms: {}", RETRY_MS, ar.cause().toString());
        schedule(RETRY_MS);
      }
    }));
  }

  private void use(String fresh) {
    current = fresh;
    onNewToken.accept(fresh);
  }

  /** The {@code exp} of a JWT in epoch ms, or -1 when it cannot be read (then no refresh is scheduled). */
  static long expiresAtMs(String token) {
    try {
      String[] parts = token.split("\\.");
      JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
      return claims.getLong("exp") * 1_000;
    } catch (RuntimeException e) {
      return -1;
    }
  }
}
