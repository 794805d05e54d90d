package dev.parley.shared;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.concurrent.TimeoutException;

/** Small bridges the Vert.x 5.0 Future API does not have built in. */
public final class Futures {
  private Futures() {
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
