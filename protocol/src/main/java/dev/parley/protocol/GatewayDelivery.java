package dev.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a server role sends to one gateway node over the event bus ({@code parley.gateway.<nodeId>}): frames, each
 * for some of the devices whose sockets that gateway holds, in the order the gateway must write them. On the wire:
 * {@code {"frames":[{"frame":{...},"devices":["<deviceId>",...]}, ...]}}. This record is the format's only writer
 * ({@link #toJson}) and only reader ({@link #fromJson}).
 */
public record GatewayDelivery(List<Part> parts) {

  /** One frame for some devices of one gateway. */
  public record Part(JsonObject frame, List<UUID> devices) {
  }

  public GatewayDelivery {
    parts = List.copyOf(parts);
  }

  public JsonObject toJson() {
    JsonArray frames = new JsonArray();
    for (Part part : parts) {
      JsonArray ids = new JsonArray();
      part.devices().forEach(d -> ids.add(d.toString()));
      frames.add(new JsonObject().put("frame", part.frame()).put("devices", ids));
    }
    return new JsonObject().put("frames", frames);
  }

  /** Parses a delivery; throws {@link IllegalArgumentException} for anything malformed. */
  public static GatewayDelivery fromJson(JsonObject json) {
    try {
      JsonArray frames = json.getJsonArray("frames");
      List<Part> parts = new ArrayList<>(frames.size());
      for (int i = 0; i < frames.size(); i++) {
        JsonObject part = frames.getJsonObject(i);
        JsonArray ids = part.getJsonArray("devices");
        List<UUID> devices = new ArrayList<>(ids.size());
        for (int j = 0; j < ids.size(); j++) {
          devices.add(UUID.fromString(ids.getString(j)));
        }
        parts.add(new Part(part.getJsonObject("frame"), devices));
      }
      return new GatewayDelivery(parts);
    } catch (NullPointerException | ClassCastException e) {
      throw new IllegalArgumentException("malformed gateway delivery: " + e, e);
    }
  }

  /**
   * Collects frames for devices and splits them by the gateway node that holds each device: one
   * {@link GatewayDelivery} per node, its parts in the order they were added. Devices without a node are skipped.
   */
  public static final class PerNode {
    private final Map<String, List<Part>> byNode = new LinkedHashMap<>();

    /** Adds {@code frame} for those of {@code devices} that have a node in {@code nodes}. */
    public PerNode add(JsonObject frame, Collection<UUID> devices, Map<UUID, String> nodes) {
      Map<String, List<UUID>> devicesByNode = new LinkedHashMap<>();
      for (UUID device : devices) {
        String node = nodes.get(device);
        if (node != null) {
          devicesByNode.computeIfAbsent(node, n -> new ArrayList<>()).add(device);
        }
      }
      devicesByNode.forEach((node, ds) -> byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(new Part(frame, ds)));
      return this;
    }

    public boolean isEmpty() {
      return byNode.isEmpty();
    }

    /** One delivery per gateway node, in the order the nodes were first seen. */
    public Map<String, GatewayDelivery> build() {
      Map<String, GatewayDelivery> out = new LinkedHashMap<>();
      byNode.forEach((node, parts) -> out.put(node, new GatewayDelivery(parts)));
      return out;
    }
  }
}
