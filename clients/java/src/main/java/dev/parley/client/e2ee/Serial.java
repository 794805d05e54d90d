package dev.parley.client.e2ee;

import dev.parley.mls.MlsSuite;
import io.vertx.core.Context;
import io.vertx.core.Future;

import java.util.concurrent.Callable;

/**
 * Runs a device's MLS work and state-directory writes one at a time, in submission order, on a worker thread: MLS
 * operations sign and verify (milliseconds each, far more for large groups) and every state write fsyncs, neither of
 * which may run on an event loop. Ordered {@code executeBlocking} on the client's context gives both the order and
 * the memory visibility between consecutive tasks.
 *
 * <p>Tasks also hold the JVM-wide monitor of {@link MlsSuite}: Bouncy Castle 1.84 keeps one static
 * {@code MlsCipherSuite} per suite whose Ed25519 signer and AEAD are stateful, so two threads signing at once corrupt
 * each other ("Ed25519Signer not initialised"). Several devices in one process (tests, the load generator) therefore
 * run their MLS work one at a time; one device per process never waits.
 */
final class Serial {
  private final Context context;

  Serial(Context context) {
    this.context = context;
  }

  <T> Future<T> run(Callable<T> task) {
    return context.executeBlocking(() -> {
      synchronized (MlsSuite.class) {
        return task.call();
      }
    }, true);
  }
}
