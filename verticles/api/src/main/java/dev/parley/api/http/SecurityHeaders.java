package dev.parley.api.http;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * Headers on every REST answer, errors included (docs/api.md, "Edges"): answers carry tokens and personal data, so
 * no cache keeps them ({@code Cache-Control: no-store}), no browser sniffs a type into them
 * ({@code X-Content-Type-Options: nosniff}), no page frames them ({@code Content-Security-Policy: frame-ancestors
 * 'none'}, and {@code X-Frame-Options: DENY} for old browsers) and no URL leaks in a Referer
 * ({@code Referrer-Policy: no-referrer}). {@code Strict-Transport-Security} only when {@code edge.hstsMaxAgeSeconds}
 * is set: that is for deployments reached over TLS (browsers ignore it over plain HTTP, and a host pinned to HTTPS by
 * mistake stays pinned for max-age).
 */
public final class SecurityHeaders {
  private final String hsts;

  public SecurityHeaders(int hstsMaxAgeSeconds) {
    this.hsts = hstsMaxAgeSeconds > 0 ? "max-age=" + hstsMaxAgeSeconds + "; includeSubDomains" : null;
  }

  public void handle(RoutingContext ctx) {
    apply(ctx.response().headers());
    ctx.next();
  }

  /** Puts the headers (also used for answers given before the router runs). */
  public void apply(MultiMap headers) {
    headers.set("cache-control", "no-store")
        .set("x-content-type-options", "nosniff")
        .set("content-security-policy", "frame-ancestors 'none'")
        .set("x-frame-options", "DENY")
        .set("referrer-policy", "no-referrer");
    if (hsts != null) {
      headers.set("strict-transport-security", hsts);
    }
  }
}
