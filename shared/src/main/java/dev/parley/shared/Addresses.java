package dev.parley.shared;

/** Event-bus addresses, all of the form {@code parley.<area>.<action>}. */
public final class Addresses {
  private Addresses() {
  }

  /** Request/reply: a node answers with its id, roles and readiness. Suffix: the node id. */
  public static final String NODE_INFO_PREFIX = "parley.node.info.";

  public static String nodeInfo(String nodeId) {
    return NODE_INFO_PREFIX + nodeId;
  }

  /**
   * Publish: a device was removed or its tokens revoked; body {@code {"userId":…,"deviceId":…}}. Every gateway
   * closes that device's socket at once.
   */
  public static final String DEVICE_REVOKED = "parley.device.revoked";
}
