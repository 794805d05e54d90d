package dev.parley.shared.presence;

/** Event-bus addresses of the presence role ({@code parley.presence.<action>}). */
public final class PresenceAddresses {
  private PresenceAddresses() {
  }

  /**
   * Point-to-point (one presence node per batch): a gateway's batch of session events,
   * {@code {"gateway":nodeId,"events":[{"u":userId,"d":deviceId,"t":"beat"|"closed"|"logout"}]}}.
   */
  public static final String EVENTS = "parley.presence.events";

  /**
   * Request/reply: a device subscribes to users' presence,
   * {@code {"userId":…,"deviceId":…,"targets":[userId…]}} → {@code {"accepted":[state…],"denied":[userId…]}}.
   * Only users sharing a channel with the subscriber are accepted.
   */
  public static final String SUBSCRIBE = "parley.presence.subscribe";

  /** Request/reply: {@code {"deviceId":…,"targets":[userId…]}} (no targets = all of the device's subscriptions). */
  public static final String UNSUBSCRIBE = "parley.presence.unsubscribe";

  /** Request/reply: {@code {"userId":…,"hideLastSeen":true|false}}: whether others may see the user's last-seen time. */
  public static final String PRIVACY = "parley.presence.privacy";
}
