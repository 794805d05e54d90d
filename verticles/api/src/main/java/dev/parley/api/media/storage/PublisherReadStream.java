package dev.parley.api.media.storage;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * An S3 response body (a Reactive Streams publisher) as a Vert.x stream: it asks for one buffer at a time and only
 * while the reader wants more, so a slow download client holds at most one SDK buffer in memory. Starts paused; all
 * handlers run on the given context.
 */
final class PublisherReadStream implements ReadStream<Buffer>, Subscriber<ByteBuffer> {
  private final Context context;
  private final ArrayDeque<Buffer> pending = new ArrayDeque<>(2);
  private Subscription subscription;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private long demand;
  private boolean inFlight;
  private boolean completed;
  private boolean terminated;
  private Throwable failure;

  PublisherReadStream(Context context, Publisher<ByteBuffer> publisher) {
    this.context = context;
    publisher.subscribe(this);
  }

  /** Stops the download (the reader went away). */
  void cancel() {
    context.runOnContext(v -> {
      terminated = true;
      if (subscription != null) {
        subscription.cancel();
      }
    });
  }

  @Override
  public void onSubscribe(Subscription s) {
    context.runOnContext(v -> {
      subscription = s;
      if (terminated) {
        s.cancel();
      }
      pump();
    });
  }

  @Override
  public void onNext(ByteBuffer item) {
    byte[] bytes = new byte[item.remaining()];
    item.get(bytes);
    context.runOnContext(v -> {
      inFlight = false;
      pending.add(Buffer.buffer(bytes));
      pump();
    });
  }

  @Override
  public void onError(Throwable t) {
    context.runOnContext(v -> {
      failure = t;
      pump();
    });
  }

  @Override
  public void onComplete() {
    context.runOnContext(v -> {
      completed = true;
      pump();
    });
  }

  private void pump() {
    while (demand > 0 && !pending.isEmpty() && !terminated) {
      if (demand != Long.MAX_VALUE) {
        demand--;
      }
      Handler<Buffer> h = handler;
      Buffer next = pending.poll();
      if (h != null) {
        h.handle(next);
      }
    }
    if (!pending.isEmpty() || terminated) {
      return;
    }
    if (failure != null) {
      terminated = true;
      if (exceptionHandler != null) {
        exceptionHandler.handle(failure);
      }
    } else if (completed) {
      terminated = true;
      if (endHandler != null) {
        endHandler.handle(null);
      }
    } else if (demand > 0 && !inFlight && subscription != null) {
      inFlight = true;
      subscription.request(1);
    }
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> h) {
    exceptionHandler = h;
    return this;
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> h) {
    handler = h;
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    demand = 0;
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public ReadStream<Buffer> fetch(long amount) {
    demand = amount == Long.MAX_VALUE || demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
    pump();
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> h) {
    endHandler = h;
    return this;
  }
}
