package dev.parley.gateway;

import dev.parley.protocol.SessionFrames;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Whether a connecting device's push registration is disabled (docs/push.md, "Disabled endpoints"): the push role
 * sets {@code push_endpoints.disabled_at} when SNS reports the endpoint disabled or gone, and the gateway tells the
 * device in the {@code ready} of its next connect. One primary-key lookup in PostgreSQL (the source of truth), issued
 * alongside the session registration; it never fails the connect: a failed or slow lookup (over
 * {@code timeoutMs}) answers null — the field is left out — and is logged.
 */
final class PushRegistrationState {
  private static final Logger LOG = LoggerFactory.getLogger(PushRegistrationState.class);
  static final String SQL = "SELECT disabled_at IS NOT NULL FROM push_endpoints WHERE device_id = $1";

  private final Pool pg;
  private final long timeoutMs;

  PushRegistrationState(Pool pg, long timeoutMs) {
    this.pg = pg;
    this.timeoutMs = timeoutMs;
  }

  /** {@link SessionFrames#PUSH_DISABLED} when the device has a disabled registration, else null; never fails. */
  Future<String> of(UUID deviceId) {
    return pg.preparedQuery(SQL).execute(Tuple.of(deviceId))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .map(PushRegistrationState::field)
        .otherwise(err -> {
          LOG.warn("device {}: push registration lookup failed, ready goes without it: {}", deviceId, err.toString());
          return null;
        });
  }

  /** The {@code push} field for the lookup's rows: none (no registration) or an active one leave it out. */
  static String field(RowSet<Row> rows) {
    for (Row row : rows) {
      return Boolean.TRUE.equals(row.getBoolean(0)) ? SessionFrames.PUSH_DISABLED : null;
    }
    return null;
  }
}
