package dev.parley.api.mls;

import dev.parley.chatstate.LiveFrames;
import dev.parley.protocol.MlsFrames;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * Tells a device over its socket ({@code keypackages.low}) when a claim left its one-time KeyPackage stock below
 * {@code mls.lowStockThreshold}, so it uploads more before claimants fall back to its last-resort package. Best
 * effort: a device that is offline learns its stock from its next upload's answer (clients top up at connect).
 */
public final class LowStockNotices {
  private static final Logger LOG = LoggerFactory.getLogger(LowStockNotices.class);

  private final Pool pg;
  private final LiveFrames frames;
  private final int threshold;
  private final Clock clock;

  public LowStockNotices(Pool pg, LiveFrames frames, int threshold, Clock clock) {
    this.pg = pg;
    this.frames = frames;
    this.threshold = threshold;
    this.clock = clock;
  }

  /** After a one-time package of {@code device} was claimed: counts what is left, tells the device if low. */
  public Future<Void> claimed(UUID device) {
    return pg.preparedQuery("SELECT count(*) FROM key_packages WHERE device_id = $1 AND NOT last_resort "
            + "AND not_after > $2")
        .execute(Tuple.of(device, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)))
        .compose(rows -> {
          int stock = rows.iterator().next().getLong(0).intValue();
          return stock >= threshold ? Future.<Void>succeededFuture()
              : frames.push(List.of(new LiveFrames.Part(MlsFrames.keyPackagesLow(stock, threshold), List.of(device))));
        })
        .onFailure(err -> LOG.warn("device {}: low-stock notice not sent: {}", device, err.toString()));
  }
}
