package dev.parley.shared.auth;

import dev.parley.shared.Addresses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.util.UUID;

/**
 * Devices whose access tokens must be refused before they expire (device removed, token family revoked).
 * A Redis key per device lives as long as an access token can, after which no token of it is valid anyway;
 * the event-bus publish lets every gateway cut the device's socket immediately.
 */
public final class RevokedDevices {
  private static final String KEY_PREFIX = "parley:revoked-device:";

  private final Redis redis;
  private final EventBus eventBus;
  private final int tokenTtlSeconds;

  public RevokedDevices(Redis redis, EventBus eventBus, int tokenTtlSeconds) {
    this.redis = redis;
    this.eventBus = eventBus;
    this.tokenTtlSeconds = tokenTtlSeconds;
  }

  /** Marks the device revoked and tells every gateway. */
  public Future<Void> revoke(UUID userId, UUID deviceId) {
    return redis.send(Request.cmd(Command.SET).arg(KEY_PREFIX + deviceId).arg(userId.toString())
            .arg("EX").arg(tokenTtlSeconds + 60))
        .onSuccess(ok -> eventBus.publish(Addresses.DEVICE_REVOKED,
            new JsonObject().put("userId", userId.toString()).put("deviceId", deviceId.toString())))
        .mapEmpty();
  }

  public Future<Boolean> isRevoked(UUID deviceId) {
    return redis.send(Request.cmd(Command.EXISTS).arg(KEY_PREFIX + deviceId)).map(r -> r != null && r.toInteger() == 1);
  }
}
