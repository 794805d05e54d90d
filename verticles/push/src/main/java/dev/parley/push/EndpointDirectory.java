package dev.parley.push;

import dev.parley.shared.push.PushPlatform;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/** The devices' SNS endpoints in {@code push_endpoints} (written by the api role's registration). */
public final class EndpointDirectory {
  /** A device's live endpoint. */
  public record Endpoint(UUID deviceId, PushPlatform platform, String arn) {
  }

  private final Pool pg;
  private final Clock clock;

  public EndpointDirectory(Pool pg, Clock clock) {
    this.pg = pg;
    this.clock = clock;
  }

  /** The device's endpoint, or null when it has none or SNS disabled it. */
  public Future<Endpoint> endpoint(UUID deviceId) {
    return pg.preparedQuery("SELECT platform, endpoint_arn FROM push_endpoints WHERE device_id = $1 "
            + "AND disabled_at IS NULL").execute(Tuple.of(deviceId))
        .map(rows -> rows.size() == 0 ? null : new Endpoint(deviceId,
            PushPlatform.parse(rows.iterator().next().getString("platform")).orElseThrow(),
            rows.iterator().next().getString("endpoint_arn")));
  }

  /**
   * Marks the registration disabled (only while it still names this endpoint: a device that re-registered in the
   * meantime keeps its new one). The device sees {@code status: disabled} on GET /v1/devices/{id}/push.
   */
  public Future<Void> disable(Endpoint endpoint, String reason) {
    return pg.preparedQuery("UPDATE push_endpoints SET disabled_at = $3, disabled_reason = $4 WHERE device_id = $1 "
            + "AND endpoint_arn = $2 AND disabled_at IS NULL")
        .execute(Tuple.of(endpoint.deviceId(), endpoint.arn(),
            OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC), reason))
        .mapEmpty();
  }
}
