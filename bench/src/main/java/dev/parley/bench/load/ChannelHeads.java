package dev.parley.bench.load;

import dev.parley.client.Message;
import dev.parley.client.RestApi;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Reads channels' latest messages ({@code GET /v1/channels/{id}/messages?limit=1}), at most 32 at a time: fixture
 * channels are reused between runs, so a device starts tracking its channel at the head instead of fetching its
 * whole history, and seqs at or below the head are not this run's.
 */
final class ChannelHeads {
  private static final int IN_FLIGHT = 32;

  private ChannelHeads() {
  }

  /** Channel → latest message (absent: the channel has none). Blocks the calling (non-event-loop) thread. */
  static Map<UUID, Message> read(RestApi rest, Map<UUID, String> tokenForChannel, long timeoutMs, String from)
      throws InterruptedException {
    Map<UUID, Message> heads = new ConcurrentHashMap<>();
    Semaphore inFlight = new Semaphore(IN_FLIGHT);
    List<Future<?>> all = new ArrayList<>();
    long deadline = System.currentTimeMillis() + timeoutMs;
    for (Map.Entry<UUID, String> e : tokenForChannel.entrySet()) {
      if (!inFlight.tryAcquire(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("channel heads: no answer from " + from + " within " + timeoutMs / 1000 + " s");
      }
      all.add(rest.latest(e.getValue(), e.getKey())
          .onSuccess(m -> {
            if (m != null) {
              heads.put(e.getKey(), m);
            }
          })
          .eventually(() -> {
            inFlight.release();
            return Future.succeededFuture();
          }));
    }
    try {
      Future.all(all).toCompletionStage().toCompletableFuture()
          .get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException ex) {
      throw new IllegalStateException("reading channel heads (GET /v1/channels/{id}/messages?limit=1 on " + from
          + ") failed: " + ex.getCause().getMessage(), ex.getCause());
    } catch (java.util.concurrent.TimeoutException ex) {
      throw new IllegalStateException("channel heads: no answer from " + from + " within " + timeoutMs / 1000 + " s");
    }
    return heads;
  }
}
