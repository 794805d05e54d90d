package dev.parley.message.delivery;

import io.vertx.core.Future;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Where devices are connected: the gateway node of each device with a live session (absent: offline). */
@FunctionalInterface
public interface Sessions {
  Future<Map<UUID, String>> lookup(List<UUID> deviceIds);
}
