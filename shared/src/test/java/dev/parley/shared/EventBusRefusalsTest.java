package dev.parley.shared;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class EventBusRefusalsTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private Refusal roundTrip(Throwable failure) throws Exception {
    vertx.eventBus().consumer("test.refuse", m -> EventBusRefusals.fail(m, failure, ErrorCode.PRESENCE_UNAVAILABLE));
    Throwable err = vertx.eventBus().request("test.refuse", new JsonObject()).map(r -> (Throwable) null)
        .recover(e -> io.vertx.core.Future.succeededFuture(e))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return EventBusRefusals.decode(err, ErrorCode.UNAVAILABLE, "did not answer");
  }

  @Test
  @DisplayName("a refusal crosses the event bus by its code's name, with its field and detail")
  void refusalCrosses() throws Exception {
    Refusal r = roundTrip(new Refusal(ErrorCode.RATE_LIMITED, "userIds", "a device may watch at most 3 users"));
    assertThat(r.code()).isEqualTo(ErrorCode.RATE_LIMITED);
    assertThat(r.field()).isEqualTo("userIds");
    assertThat(r.detail()).isEqualTo("a device may watch at most 3 users");
  }

  @Test
  @DisplayName("any other failure is the consumer's fallback code, without its message (no internals leak)")
  void faultBecomesFallback() throws Exception {
    Refusal r = roundTrip(new IllegalStateException("redis said no at 10.0.0.7"));
    assertThat(r.code()).isEqualTo(ErrorCode.PRESENCE_UNAVAILABLE);
    assertThat(r.detail()).doesNotContain("10.0.0.7");
  }

  @Test
  @DisplayName("no consumer, a timeout or a bare int failure decode as the requester's own unavailable code")
  void noAnswer() throws Exception {
    Throwable none = vertx.eventBus().request("test.nobody", "x", new DeliveryOptions().setSendTimeout(500))
        .map(r -> (Throwable) null).recover(e -> io.vertx.core.Future.succeededFuture(e))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(EventBusRefusals.decode(none, ErrorCode.UNAVAILABLE, "did not answer").code())
        .isEqualTo(ErrorCode.UNAVAILABLE);
    vertx.eventBus().consumer("test.int", m -> m.fail(429, "old style"));
    Throwable old = vertx.eventBus().request("test.int", "x").map(r -> (Throwable) null)
        .recover(e -> io.vertx.core.Future.succeededFuture(e))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(EventBusRefusals.decode(old, ErrorCode.UNAVAILABLE, "did not answer").detail())
        .isEqualTo("did not answer");
  }
}
