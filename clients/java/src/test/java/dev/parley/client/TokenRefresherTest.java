package dev.parley.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The client's token refresh over the socket, with unsigned stand-in tokens (only {@code exp} is read). */
class TokenRefresherTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void stop() {
    vertx.close();
  }

  private static String token(long expSeconds, String tag) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"ES256\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(new JsonObject().put("exp", expSeconds).put("tag", tag).encode()
            .getBytes(StandardCharsets.UTF_8)) + ".sig";
  }

  @Test
  @DisplayName("exp is read from the token's payload; an unreadable token gives -1 (no refresh scheduled)")
  void readsExpiry() {
    assertThat(TokenRefresher.expiresAtMs(token(1_800_000_000L, "a"))).isEqualTo(1_800_000_000_000L);
    assertThat(TokenRefresher.expiresAtMs("not-a-jwt")).isEqualTo(-1);
    assertThat(TokenRefresher.expiresAtMs("a.!!!.c")).isEqualTo(-1);
  }

  @Test
  @DisplayName("before expiry a fresh token is fetched, sent in an auth frame and becomes the current one")
  void refreshesBeforeExpiry() throws Exception {
    long soon = System.currentTimeMillis() / 1_000 + 1;
    String fresh = token(soon + 3_600, "fresh");
    List<String> sent = new CopyOnWriteArrayList<>();
    CompletableFuture<String> told = new CompletableFuture<>();
    TokenRefresher refresh = new TokenRefresher(vertx, java.util.UUID.randomUUID(), token(soon, "old"), told::complete);
    refresh.source(() -> Future.succeededFuture(fresh));
    CompletableFuture<Void> written = new CompletableFuture<>();
    vertx.runOnContext(v -> refresh.schedule(-1, frame -> {
      sent.add(frame);
      written.complete(null);
      return true;
    }));

    assertThat(told.get(10, TimeUnit.SECONDS)).isEqualTo(fresh);
    written.get(10, TimeUnit.SECONDS);
    assertThat(refresh.token()).isEqualTo(fresh);
    assertThat(sent).singleElement().satisfies(frame -> assertThat(new JsonObject(frame))
        .isEqualTo(new JsonObject().put("type", "auth").put("token", fresh)));
  }

  @Test
  @DisplayName("without a source nothing is scheduled and the token stays")
  void noSourceNoRefresh() {
    TokenRefresher refresh = new TokenRefresher(vertx, java.util.UUID.randomUUID(), token(1, "t"), t -> { });
    refresh.schedule(-1, f -> true);
    assertThat(refresh.renewable()).isFalse();
    assertThat(refresh.token()).isEqualTo(token(1, "t"));
  }
}
