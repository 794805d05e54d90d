package dev.parley.api.media.storage;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Vert.x stream (an HTTP request body) as a Reactive Streams publisher for the AWS SDK: the stream stays paused and
 * is {@code fetch}ed exactly as many buffers as the subscriber requests, so a slow S3 write slows the client down
 * instead of filling memory. A request body can be read once: a second subscription (an SDK retry) gets an error,
 * and {@link #sourceFailed()} tells an append that the body, not storage, broke.
 */
final class ReadStreamPublisher implements Publisher<ByteBuffer> {
  private final Context context;
  private final ReadStream<Buffer> stream;
  private final AtomicBoolean subscribed = new AtomicBoolean();
  private volatile boolean sourceFailed;

  ReadStreamPublisher(Context context, ReadStream<Buffer> stream) {
    this.context = context;
    this.stream = stream;
    stream.pause();
  }

  boolean sourceFailed() {
    return sourceFailed;
  }

  @Override
  public void subscribe(Subscriber<? super ByteBuffer> subscriber) {
    if (!subscribed.compareAndSet(false, true)) {
      subscriber.onSubscribe(new Subscription() {
        @Override
        public void request(long n) {
        }

        @Override
        public void cancel() {
        }
      });
      subscriber.onError(new IllegalStateException("a request body can be streamed once"));
      return;
    }
    context.runOnContext(v -> {
      stream.handler(buffer -> subscriber.onNext(ByteBuffer.wrap(buffer.getBytes())));
      stream.exceptionHandler(err -> {
        sourceFailed = true;
        subscriber.onError(err);
      });
      stream.endHandler(end -> subscriber.onComplete());
      subscriber.onSubscribe(new Subscription() {
        @Override
        public void request(long n) {
          context.runOnContext(x -> stream.fetch(n));
        }

        @Override
        public void cancel() {
          context.runOnContext(x -> stream.pause());
        }
      });
    });
  }
}
