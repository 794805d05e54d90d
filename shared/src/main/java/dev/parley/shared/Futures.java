package dev.parley.shared;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/** Small bridges the Vert.x 5.0 Future API does not have built in. */
public final class Futures {
  private Futures() {
  }

  /**
   * Runs {@code op} over {@code items} with at most {@code wave} operations in flight (one wave after the other),
   * so a large batch never floods a client pool. Results are in input order; the returned future fails with the
   * first failure once every item has been tried.
   */
  public static <T, R> Future<List<R>> inWaves(List<T> items, int wave, Function<T, Future<R>> op) {
    List<Future<R>> all = new ArrayList<>(items.size());
    Future<Void> chain = Future.succeededFuture();
    for (int start = 0; start < items.size(); start += wave) {
      List<T> slice = items.subList(start, Math.min(items.size(), start + wave));
      chain = chain.compose(v -> {
        List<Future<R>> running = new ArrayList<>(slice.size());
        for (T item : slice) {
          Future<R> f;
          try {
            f = op.apply(item);
          } catch (RuntimeException e) {
            f = Future.failedFuture(e);
          }
          running.add(f);
        }
        all.addAll(running);
        return Future.join(running).<Void>mapEmpty().recover(err -> Future.succeededFuture());
      });
    }
    return chain.compose(v -> {
      for (Future<R> f : all) {
        if (f.failed()) {
          return Future.failedFuture(f.cause());
        }
      }
      return Future.succeededFuture(all.stream().map(Future::result).toList());
    });
  }

  /**
   * Completes like {@code future}, or fails with a {@link TimeoutException} naming {@code what} after
   * {@code timeoutMs}. The underlying operation is not cancelled; callers bound its own timeouts too.
   */
  public static <T> Future<T> withTimeout(Vertx vertx, Future<T> future, long timeoutMs, String what) {
    Promise<T> promise = Promise.promise();
    long timer = vertx.setTimer(timeoutMs,
        id -> promise.tryFail(new TimeoutException(what + " did not answer within " + timeoutMs + " ms")));
    future.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        promise.tryComplete(ar.result());
      } else {
        promise.tryFail(ar.cause());
      }
    });
    return promise.future();
  }
}
