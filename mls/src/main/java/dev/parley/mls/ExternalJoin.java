package dev.parley.mls;

/**
 * An external join built from a channel's stored GroupInfo: {@link #commit()} goes on the channel's log; only when
 * the Delivery Service accepts it is {@link #session()} real (if it is refused as stale, fetch the new GroupInfo
 * and join again). The joiner does not {@code handle} its own external commit when it comes back on the log.
 */
public record ExternalJoin(ChannelSession session, byte[] commit) {
}
