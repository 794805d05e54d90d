package dev.parley.gateway;

import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import dev.parley.shared.config.EdgeConfig;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The WebSocket upgrade's {@code Origin} check against cross-site WebSocket hijacking: a browser sends the page's
 * origin with every upgrade and a socket opened from another site's page would otherwise act with the user's token
 * (the {@code access_token} query parameter or a cookie-borne session). Origins match exactly (scheme, host, port;
 * case-insensitively); {@code null} (sandboxed frames, files) matches nothing. Clients that send no {@code Origin}
 * (native apps, servers — browsers always send it) are let through when {@code edge.allowMissingOrigin} is true.
 */
final class OriginPolicy {
  private final Set<String> allowed;
  private final boolean allowMissing;

  OriginPolicy(List<String> allowedOrigins, boolean allowMissing) {
    this.allowed = allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    this.allowMissing = allowMissing;
  }

  static OriginPolicy of(EdgeConfig edge) {
    return new OriginPolicy(edge.allowedOrigins(), edge.allowMissingOrigin());
  }

  /** Null when {@code origin} (the header's value, null when absent) may open a socket, else the refusal. */
  Refusal check(String origin) {
    if (origin == null) {
      return allowMissing ? null : Refusal.of(ErrorCode.ORIGIN_NOT_ALLOWED, "an Origin header is required");
    }
    return allowed.contains(origin.trim().toLowerCase(Locale.ROOT)) ? null
        : Refusal.of(ErrorCode.ORIGIN_NOT_ALLOWED, "origin not allowed");
  }
}
