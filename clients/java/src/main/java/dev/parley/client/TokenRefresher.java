package dev.parley.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The device's access token and its renewal (docs/protocol.md, "Token expiry"): at {@link #REFRESH_AT} of the
 * current token's remaining lifetime a fresh one is taken from the source, handed to {@code onFresh} (history, the
 * next connect) and sent over the open socket in an {@code auth} frame. Lives on the client's context.
 */
final class TokenRefresher {
  private static final Logger LOG = LoggerFactory.getLogger(TokenRefresher.class);
  /** A fresh token is fetched and sent over the socket at this share of the current one's remaining lifetime. */
  private static final double REFRESH_AT = 0.8;
  private static final long RETRY_MS = 5_000;

  private final Vertx vertx;
  private final UUID deviceId;
  private final Consumer<String> onFresh;
  private volatile String token;
  private Supplier<Future<String>> source;
  private long timer = -1;

  TokenRefresher(Vertx vertx, UUID deviceId, String token, Consumer<String> onFresh) {
    this.vertx = vertx;
    this.deviceId = deviceId;
    this.token = token;
    this.onFresh = onFresh;
  }

  String token() {
    return token;
  }

  void source(Supplier<Future<String>> freshToken) {
    this.source = freshToken;
  }

  boolean renewable() {
    return source != null;
  }

  /** A fresh token now (the socket was closed for an expired one); then used for everything. */
  Future<String> renewNow() {
    return source.get().onSuccess(this::use);
  }

  /** Arms the next renewal; {@code socketWriter} sends the auth frame (false: no open socket, fine). */
  void schedule(long delayOverrideMs, java.util.function.Predicate<String> socketWriter) {
    vertx.cancelTimer(timer);
    long exp = expiresAtMs(token);
    if (source == null || exp < 0) {
      return;
    }
    long delay = delayOverrideMs >= 0 ? delayOverrideMs
        : Math.max(1_000, (long) ((exp - System.currentTimeMillis()) * REFRESH_AT));
    timer = vertx.setTimer(delay, t -> source.get().onComplete(ar -> {
      if (ar.succeeded()) {
        use(ar.result());
        socketWriter.test(new JsonObject().put("type", "auth").put("token", ar.result()).encode());
      } else {
        LOG.debug("device {}: token refresh failed, retrying: {}", deviceId, ar.cause().toString());
        schedule(RETRY_MS, socketWriter);
      }
    }));
  }

  private void use(String fresh) {
    token = fresh;
    onFresh.accept(fresh);
  }

  /** The {@code exp} of a JWT in epoch ms, or -1 when it cannot be read (then no refresh is scheduled). */
  static long expiresAtMs(String token) {
    try {
      String[] parts = token.split("\\.");
      JsonObject claims = new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(parts[1]),
          java.nio.charset.StandardCharsets.UTF_8));
      return claims.getLong("exp") * 1_000;
    } catch (RuntimeException e) {
      return -1;
    }
  }
}
