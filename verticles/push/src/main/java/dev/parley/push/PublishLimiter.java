package dev.parley.push;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;

/**
 * At most {@code limit} publishes in flight per node; the rest wait in arrival order. Used from one event loop (the
 * push verticle's), so it needs no locks.
 */
public final class PublishLimiter {
  private final int limit;
  private final Deque<Promise<Void>> waiting = new ArrayDeque<>();
  private int inFlight;

  public PublishLimiter(int limit) {
    this.limit = limit;
  }

  public <T> Future<T> run(Supplier<Future<T>> task) {
    return acquire().compose(v -> task.get().andThen(ar -> release()));
  }

  public int inFlight() {
    return inFlight;
  }

  private Future<Void> acquire() {
    if (inFlight < limit) {
      inFlight++;
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    waiting.addLast(p);
    return p.future();
  }

  private void release() {
    Promise<Void> next = waiting.pollFirst();
    if (next != null) {
      next.complete();
    } else {
      inFlight--;
    }
  }
}
