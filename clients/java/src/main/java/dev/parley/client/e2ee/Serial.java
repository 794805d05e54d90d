package dev.parley.client.e2ee;

import io.vertx.core.Context;
import io.vertx.core.Future;

import java.util.concurrent.Callable;

/**
 * Runs a device's MLS work and state-directory writes one at a time, in submission order, on a worker thread: MLS
 * operations sign and verify (milliseconds each, far more for large groups) and every state write fsyncs, neither of
 * which may run on an event loop. Ordered {@code executeBlocking} on the client's context gives both the order and
 * the memory visibility between consecutive tasks.
 */
final class Serial {
  private final Context context;

  Serial(Context context) {
    this.context = context;
  }

  <T> Future<T> run(Callable<T> task) {
    return context.executeBlocking(task, true);
  }
}
