package dev.parley.api.media;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import java.util.function.LongSupplier;

/**
 * An upload body that can be cut off when it goes quiet (slow-loris): it remembers when data last arrived or the
 * consumer last asked for more, and {@link #timeOut} detaches it from the request and fails it for its consumer,
 * so storage keeps what arrived and the route can still answer 408.
 */
final class WatchedBody implements ReadStream<Buffer> {
  /** The failure a consumer sees when the client went quiet. */
  static final class IdleException extends RuntimeException {
    IdleException() {
      super("upload stream idle", null, false, false);
    }
  }

  private final ReadStream<Buffer> delegate;
  private final LongSupplier nowMs;
  private Handler<Throwable> exceptionHandler;
  private long lastActivity;
  private boolean cut;

  WatchedBody(ReadStream<Buffer> delegate, LongSupplier nowMs) {
    this.delegate = delegate;
    this.nowMs = nowMs;
    this.lastActivity = nowMs.getAsLong();
  }

  boolean idleFor(long ms) {
    return !cut && nowMs.getAsLong() - lastActivity > ms;
  }

  boolean timedOut() {
    return cut;
  }

  void timeOut() {
    cut = true;
    delegate.handler(null);
    delegate.pause();
    if (exceptionHandler != null) {
      exceptionHandler.handle(new IdleException());
    }
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    exceptionHandler = handler;
    delegate.exceptionHandler(err -> {
      if (!cut && handler != null) {
        handler.handle(err);
      }
    });
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    delegate.handler(handler == null ? null : buffer -> {
      lastActivity = nowMs.getAsLong();
      handler.handle(buffer);
    });
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    delegate.pause();
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    lastActivity = nowMs.getAsLong();
    if (!cut) {
      delegate.resume();
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    lastActivity = nowMs.getAsLong();
    if (!cut) {
      delegate.fetch(amount);
    }
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    delegate.endHandler(endHandler == null ? null : v -> {
      if (!cut) {
        endHandler.handle(v);
      }
    });
    return this;
  }
}
