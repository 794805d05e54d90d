package dev.parley.shared;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FuturesTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("inWaves keeps at most one wave in flight and returns results in input order")
  void boundedAndOrdered() throws Exception {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    List<Integer> items = IntStream.range(0, 1_000).boxed().toList();
    List<Integer> out = Futures.inWaves(items, 64, i -> {
      maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      Promise<Integer> p = Promise.promise();
      vertx.setTimer(1 + (i % 3), t -> {
        inFlight.decrementAndGet();
        p.complete(i * 2);
      });
      return p.future();
    }).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(maxInFlight.get()).isLessThanOrEqualTo(64);
    assertThat(out).containsExactlyElementsOf(items.stream().map(i -> i * 2).toList());
  }

  @Test
  @DisplayName("inWaves tries every item, then fails with the first failure")
  void failsAfterTryingAll() {
    AtomicInteger tried = new AtomicInteger();
    Future<List<Integer>> result = Futures.inWaves(IntStream.range(0, 200).boxed().toList(), 50, i -> {
      tried.incrementAndGet();
      return i == 7 ? Future.failedFuture(new IllegalStateException("boom " + i)) : Future.succeededFuture(i);
    });
    assertThatThrownBy(() -> result.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .hasMessageContaining("boom 7");
    assertThat(tried.get()).isEqualTo(200);
  }
}
