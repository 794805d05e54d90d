package dev.parley.push;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class CoalescerTest {
  private final UUID device = UUID.randomUUID();
  private final UUID channel = UUID.randomUUID();

  private NotificationJob job(long seq) {
    return new NotificationJob(UUID.randomUUID(), device, channel, seq, Long.toString(seq), 0, null);
  }

  @Test
  @DisplayName("jobs inside a window fold into one push carrying the newest seq, sent when the window closes")
  void folds(Vertx vertx, VertxTestContext ctx) {
    List<Long> delivered = new ArrayList<>();
    Delivery delivery = j -> {
      delivered.add(j.seq());
      return Future.succeededFuture(true);
    };
    PushMeters meters = new PushMeters(new SimpleMeterRegistry());
    vertx.runOnContext(v -> {
      Coalescer c = new Coalescer(vertx, delivery, 300, meters);
      Future<Void> first = c.offer(job(1));
      List<Future<Void>> rest = new ArrayList<>();
      for (long s = 2; s <= 5; s++) {
        rest.add(c.offer(job(s)));
      }
      first.onComplete(ctx.succeeding(x -> ctx.verify(() -> {
        assertThat(delivered).containsExactly(1L);
        assertThat(rest).noneMatch(Future::isComplete);
      })));
      Future.all(rest).onComplete(ctx.succeeding(x -> ctx.verify(() -> {
        assertThat(delivered).containsExactly(1L, 5L);
        assertThat(meters.count("parley.push.coalesced")).isEqualTo(3);
        ctx.completeNow();
      })));
    });
  }

  @Test
  @DisplayName("a job that led to no push opens no window: the next job is delivered at once")
  void noWindowAfterSkip(Vertx vertx, VertxTestContext ctx) {
    List<Long> delivered = new ArrayList<>();
    Promise<Boolean> firstOutcome = Promise.promise();
    Delivery delivery = j -> {
      delivered.add(j.seq());
      return j.seq() == 1 ? firstOutcome.future() : Future.succeededFuture(true);
    };
    vertx.runOnContext(v -> {
      Coalescer c = new Coalescer(vertx, delivery, 60_000, new PushMeters(new SimpleMeterRegistry()));
      c.offer(job(1));
      Future<Void> second = c.offer(job(2));
      firstOutcome.complete(false);
      second.onComplete(ctx.succeeding(x -> ctx.verify(() -> {
        assertThat(delivered).containsExactly(1L, 2L);
        ctx.completeNow();
      })));
    });
  }
}
