package dev.parley.api.http;

import dev.parley.shared.net.IpBlock;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Optional;

/**
 * The client's address as the api counts it (rate limits): the TCP peer, unless the peer is one of
 * {@code edge.trustedProxies}; then {@code X-Forwarded-For} is read from the right — each proxy appends the address
 * it received the request from — and the right-most address that is not a trusted proxy is the client. Addresses a
 * client wrote itself are further left and never chosen, so nobody picks a fresh rate-limit bucket per request. An
 * entry that is not an IP literal ends the walk at the last trusted hop; a chain of only trusted proxies yields the
 * left-most of them. Without trusted proxies the header is ignored.
 */
public final class ClientAddress {
  private static final String KEY = "parley.clientAddress";
  /** Forwarded chains longer than this are cut (from the left): no real proxy chain is that deep. */
  private static final int MAX_HOPS = 32;

  private final List<IpBlock> trusted;

  public ClientAddress(List<String> trustedProxies) {
    this.trusted = trustedProxies.stream().map(p -> IpBlock.parse(p).orElseThrow()).toList();
  }

  /** A route handler storing the resolved address in the context for {@link #of}. */
  public void handle(RoutingContext ctx) {
    ctx.put(KEY, resolve(ctx.request().remoteAddress().hostAddress(), ctx.request().headers().getAll(
        "X-Forwarded-For")));
    ctx.next();
  }

  /** The address {@link #handle} resolved, or the TCP peer when it did not run. */
  public static String of(RoutingContext ctx) {
    String resolved = ctx.get(KEY);
    return resolved != null ? resolved : ctx.request().remoteAddress().hostAddress();
  }

  /** The client address of a request from {@code peer} carrying these {@code X-Forwarded-For} header values. */
  public String resolve(String peer, List<String> forwardedFor) {
    if (trusted.isEmpty() || !isTrusted(peer)) {
      return peer;
    }
    String joined = String.join(",", forwardedFor);
    String[] hops = joined.isBlank() ? new String[0] : joined.split(",", -1);
    String client = peer;
    for (int i = hops.length - 1; i >= Math.max(0, hops.length - MAX_HOPS); i--) {
      String hop = hops[i].trim();
      Optional<byte[]> bytes = IpBlock.literal(hop);
      if (bytes.isEmpty()) {
        return client;
      }
      client = canonical(hop, bytes.get());
      if (!isTrusted(bytes.get())) {
        return client;
      }
    }
    return client;
  }

  private boolean isTrusted(String address) {
    return IpBlock.literal(address).map(this::isTrusted).orElse(false);
  }

  private boolean isTrusted(byte[] address) {
    return trusted.stream().anyMatch(b -> b.contains(address));
  }

  /** One spelling per address (a bucket key): IPv6 in the JDK's full form, IPv4 as written (already canonical). */
  private static String canonical(String hop, byte[] bytes) {
    try {
      return java.net.InetAddress.getByAddress(bytes).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return hop;
    }
  }
}
