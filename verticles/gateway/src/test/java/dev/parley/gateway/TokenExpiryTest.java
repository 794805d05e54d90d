package dev.parley.gateway;

import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import dev.parley.shared.auth.AccessClaims;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The socket's token deadline and the {@code auth} frame that moves it (fake socket, real timers). */
class TokenExpiryTest {
  static final UUID USER = new UUID(0, 1);
  static final UUID DEVICE = new UUID(0, 2);

  final Vertx vertx = Vertx.vertx();
  final List<JsonObject> written = new CopyOnWriteArrayList<>();
  final CompletableFuture<Short> closedWith = new CompletableFuture<>();
  long nowMs = 1_000_000;
  final Session session = new Session(USER, DEVICE, FrameHandlerTest.fake(ServerWebSocket.class, Map.of(
      "isClosed", a -> closedWith.isDone(), "writeQueueFull", a -> false,
      "writeTextMessage", a -> {
        written.add(new JsonObject((String) a[0]));
        return Future.succeededFuture();
      },
      "close", a -> {
        closedWith.complete((Short) a[0]);
        return Future.succeededFuture();
      })), new TokenBucket(2, 2, 1_000));
  /** "Tokens": "good-<exp>" of this device, "other" of another device, anything else invalid. */
  final TokenExpiry expiry = new TokenExpiry(vertx, token -> {
    if (token.startsWith("good-")) {
      return Future.succeededFuture(new AccessClaims(USER, DEVICE, token, Long.parseLong(token.substring(5))));
    }
    if (token.equals("other")) {
      return Future.succeededFuture(new AccessClaims(USER, new UUID(0, 9), "o", 5_000));
    }
    return Future.failedFuture(Refusal.of(ErrorCode.INVALID_TOKEN, "access token rejected"));
  }, () -> nowMs, 0);

  @AfterEach
  void stop() {
    vertx.close();
  }

  @Test
  @DisplayName("at the token's expiry the socket is closed with 4005")
  void closedAtExpiry() throws Exception {
    expiry.arm(session, new AccessClaims(USER, DEVICE, "t1", nowMs / 1_000)); // expires now
    assertThat(closedWith.get(5, TimeUnit.SECONDS)).isEqualTo(Session.CLOSE_TOKEN_EXPIRED);
  }

  @Test
  @DisplayName("an auth frame with a fresh token of the same device moves the deadline and answers auth.ok")
  void refreshMovesDeadline() throws Exception {
    expiry.arm(session, new AccessClaims(USER, DEVICE, "t1", nowMs / 1_000 + 1));
    long later = nowMs / 1_000 + 3_600;
    expiry.onFrame(session, new JsonObject().put("type", "auth").put("token", "good-" + later).put("id", 3));
    assertThat(written).singleElement().isEqualTo(new JsonObject().put("type", "auth.ok").put("expiresAt", later)
        .put("id", 3));
    assertThat(session.tokenId).isEqualTo("good-" + later);
    // Past the first token's expiry (1 s) the socket is still open.
    assertThat(vertx.timer(1_500).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS)).isNull();
    assertThat(closedWith).isNotDone();
    expiry.disarm(session);
  }

  @Test
  @DisplayName("auth refusals: another device's token, an invalid token, a missing token, an unknown field")
  void refusals() {
    expiry.arm(session, new AccessClaims(USER, DEVICE, "t1", nowMs / 1_000 + 3_600));
    expiry.onFrame(session, new JsonObject().put("type", "auth").put("token", "other").put("id", 1));
    expiry.onFrame(session, new JsonObject().put("type", "auth").put("token", "forged"));
    expiry.onFrame(session, new JsonObject().put("type", "auth"));
    expiry.onFrame(session, new JsonObject().put("type", "auth").put("token", "good-1").put("extra", 1));
    assertThat(written).extracting(f -> f.getString("code"))
        .containsExactly("invalid_token", "invalid_token", "invalid_field", "invalid_field");
    assertThat(written.get(0).getValue("id")).isEqualTo(1);
    assertThat(session.tokenId).isEqualTo("t1");
    expiry.disarm(session);
  }
}
