package dev.parley.message.delivery;

import dev.parley.protocol.GatewayDelivery;

/**
 * Hands frames to one gateway node (an event-bus send in production). Fire-and-forget: a gateway that died loses
 * them, and its devices fill the gap from history on reconnect.
 */
@FunctionalInterface
public interface Gateways {
  void send(String nodeId, GatewayDelivery delivery);
}
