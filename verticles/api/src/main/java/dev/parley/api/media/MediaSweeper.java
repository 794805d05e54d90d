package dev.parley.api.media;

import dev.parley.shared.Futures;
import dev.parley.shared.config.MediaConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Collects attachment garbage on a Vert.x timer (every api node runs one; {@code SKIP LOCKED} splits the work):
 * uploads with no progress for {@code media.uploadTtlSeconds}, finished attachments never bound to a message for
 * {@code media.unboundTtlSeconds}, and deletions a previous pass did not complete. Bytes go before the row, so a
 * crash mid-way leaves a row that the next pass finishes, never bytes nobody knows about.
 */
public final class MediaSweeper {
  private static final Logger LOG = LoggerFactory.getLogger(MediaSweeper.class);
  private static final int PARALLEL_DELETES = 8;

  private final Vertx vertx;
  private final MediaStore store;
  private final MediaService service;
  private final MediaConfig config;
  private final Clock clock;
  private final AtomicLong collected = new AtomicLong();
  private long timer = -1;
  private boolean running;

  public MediaSweeper(Vertx vertx, MediaStore store, MediaService service, MediaConfig config, Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.service = service;
    this.config = config;
    this.clock = clock;
  }

  public void start() {
    timer = vertx.setPeriodic(config.sweepIntervalSeconds() * 1000L, t -> {
      // A pass slower than the interval must not overlap the next one.
      if (running) {
        return;
      }
      running = true;
      sweepOnce().onComplete(ar -> running = false);
    });
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** Attachments collected by this sweeper since start. */
  public long collected() {
    return collected.get();
  }

  /** One pass: claims up to {@code media.sweepBatch} rows and removes their bytes and rows; the number removed. */
  public Future<Integer> sweepOnce() {
    Instant now = clock.instant();
    return store.claimGarbage(now.minusSeconds(config.uploadTtlSeconds()), now.minusSeconds(config.unboundTtlSeconds()),
            now, config.sweepBatch())
        .compose(rows -> Futures.inWaves(rows, PARALLEL_DELETES, row -> service.discard(row)
            .map(1)
            .recover(err -> {
              LOG.warn("media {}: collecting failed, the next pass retries: {}", row.id(), err.toString());
              return Future.succeededFuture(0);
            })))
        .map(counts -> {
          int removed = counts.stream().mapToInt(Integer::intValue).sum();
          collected.addAndGet(removed);
          if (removed > 0) {
            LOG.info("media sweep: collected {} attachment(s)", removed);
          }
          return removed;
        })
        .onFailure(err -> LOG.warn("media sweep failed: {}", err.toString()));
  }
}
