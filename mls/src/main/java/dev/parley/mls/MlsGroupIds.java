package dev.parley.mls;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The MLS group id of a channel. Derived, not random, so the server can check that a handshake message on a
 * channel's log names that channel's group, and a device can tell which channel a Welcome is for.
 */
public final class MlsGroupIds {

  private static final String PREFIX = "parley/channel/";

  private MlsGroupIds() {
  }

  public static byte[] forChannel(UUID channelId) {
    return (PREFIX + channelId).getBytes(StandardCharsets.UTF_8);
  }
}
