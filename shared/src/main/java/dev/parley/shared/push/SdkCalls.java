package dev.parley.shared.push;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Starts an AWS SDK async call off the event loop and bridges its result back onto the caller's context. The SDK's
 * async methods return a future, but before they do they marshal and sign on the calling thread and, on first use,
 * load classes, endpoint rules and credentials (which can mean file reads or an instance-metadata HTTP call): seen
 * blocking a loaded node's event loop for seconds. A worker thread (unordered, so calls run in parallel) takes that
 * part; the response is handled on the caller's context.
 */
public final class SdkCalls {
  private SdkCalls() {
  }

  public static <T> Future<T> call(Vertx vertx, Supplier<CompletableFuture<T>> call) {
    Context context = vertx.getOrCreateContext();
    return vertx.executeBlocking(call::get, false).compose(cf -> Future.fromCompletionStage(cf, context));
  }
}
