package dev.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Base64;
import java.util.Collection;
import java.util.UUID;

/**
 * The server → device frames of end-to-end encryption (docs/e2ee.md "Delivery Service protocol", docs/protocol.md):
 * a Welcome for an added device, the channel's pending removals, and a low one-time KeyPackage stock.
 */
public final class MlsFrames {

  private MlsFrames() {
  }

  /** A Welcome to the group of {@code channelId} at {@code epoch}, made by the commit stored at {@code seq}. */
  public static JsonObject welcome(UUID welcomeId, UUID channelId, long epoch, long seq, byte[] welcome) {
    return new JsonObject().put("type", "welcome").put("welcomeId", welcomeId.toString())
        .put("channelId", channelId.toString()).put("epoch", epoch).put("seq", seq)
        .put("welcome", Base64.getEncoder().encodeToString(welcome));
  }

  /** The group of {@code channelId} holds leaves of devices that are no longer members' active devices. */
  public static JsonObject removalPending(UUID channelId, long epoch, Collection<Integer> leaves) {
    return new JsonObject().put("type", "mls.removal_pending").put("channelId", channelId.toString())
        .put("epoch", epoch).put("leaves", new JsonArray(leaves.stream().map(i -> (Object) i).toList()));
  }

  /** The device's one-time KeyPackage stock fell below {@code threshold}: upload more. */
  public static JsonObject keyPackagesLow(int oneTimeStock, int threshold) {
    return new JsonObject().put("type", "keypackages.low").put("oneTimeStock", oneTimeStock)
        .put("threshold", threshold);
  }
}
