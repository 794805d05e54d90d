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

  /**
   * Publish: one access token was revoked (logout); body {@code {"jti":…,"userId":…,"deviceId":…}}. Every gateway
   * closes the socket opened or refreshed with that token at once.
   */
  public static final String TOKEN_REVOKED = "parley.token.revoked";

  /**
   * Publish: a channel's membership changed; body {@code {"channelId":…,"userId":…,"change":"added"|"removed"}}.
   * Membership caches (gateways, message nodes) drop the entry at once.
   */
  public static final String MEMBERSHIP_CHANGED = "parley.membership.changed";

  /** Point-to-point: frames for the sockets a gateway node holds. Suffix: the gateway's node id. */
  public static final String GATEWAY_DELIVER_PREFIX = "parley.gateway.deliver.";

  public static String gatewayDeliver(String nodeId) {
    return GATEWAY_DELIVER_PREFIX + nodeId;
  }

  /**
   * Publish: a device opened a session on gateway {@code nodeId}; body {@code {"deviceId":…,"nodeId":…,"sessionId":…}}.
   * Every other gateway closes its older session of that device (one session per device).
   */
  public static final String SESSION_OPENED = "parley.gateway.session-opened";

  /**
   * Request/reply, local to a gateway node: drain it (stop new assignments, tell its clients to reconnect
   * elsewhere, close their sockets). Reply {@code {"nodeId":…,"closedSessions":n}}. Suffix: the gateway's node id.
   */
  public static final String GATEWAY_DRAIN_PREFIX = "parley.gateway.drain.";

  public static String gatewayDrain(String nodeId) {
    return GATEWAY_DRAIN_PREFIX + nodeId;
  }
}
