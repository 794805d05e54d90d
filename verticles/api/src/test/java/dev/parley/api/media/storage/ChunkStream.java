package dev.parley.api.media.storage;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import java.util.ArrayDeque;
import java.util.List;

/**
 * A request body stand-in: emits the given chunks honouring pause/fetch on a Vert.x context, then ends or, when
 * {@code failure} is set, fails like a connection that broke off.
 */
final class ChunkStream implements ReadStream<Buffer> {
  private final Context context;
  private final ArrayDeque<Buffer> chunks;
  private final Throwable failure;
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  private long demand = Long.MAX_VALUE;
  private boolean done;
  private boolean scheduled;

  ChunkStream(Context context, List<Buffer> chunks, Throwable failure) {
    this.context = context;
    this.chunks = new ArrayDeque<>(chunks);
    this.failure = failure;
  }

  static List<Buffer> split(Buffer data, int chunk) {
    List<Buffer> out = new java.util.ArrayList<>();
    for (int i = 0; i < data.length(); i += chunk) {
      out.add(data.getBuffer(i, Math.min(data.length(), i + chunk)));
    }
    return out;
  }

  private void schedule() {
    if (!scheduled && !done) {
      scheduled = true;
      context.runOnContext(v -> {
        scheduled = false;
        pump();
      });
    }
  }

  private void pump() {
    while (demand > 0 && !chunks.isEmpty() && handler != null) {
      if (demand != Long.MAX_VALUE) {
        demand--;
      }
      handler.handle(chunks.poll());
    }
    if (chunks.isEmpty() && !done && handler != null) {
      done = true;
      if (failure != null) {
        if (exceptionHandler != null) {
          exceptionHandler.handle(failure);
        }
      } else if (endHandler != null) {
        endHandler.handle(null);
      }
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
    schedule();
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
    schedule();
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> h) {
    endHandler = h;
    return this;
  }
}
