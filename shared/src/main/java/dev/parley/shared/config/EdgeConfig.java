package dev.parley.shared.config;

import dev.parley.shared.net.IpBlock;

import java.util.List;

/**
 * What the public edges (the api's HTTP port, the gateway's WebSocket port, the ops port) accept from the network
 * (issue 18, "Edges"; docs/api.md "Edges"):
 * <ul>
 *   <li>{@code trustedProxies}: addresses or CIDR blocks of load balancers; only a request whose TCP peer is one of
 *       them has its {@code X-Forwarded-For} read (the right-most address that is not a trusted proxy is the
 *       client). Empty (the default): the header is ignored.</li>
 *   <li>{@code allowedOrigins}: exact {@code scheme://host[:port]} origins a browser page may open the WebSocket
 *       from (cross-site WebSocket hijacking); {@code allowMissingOrigin}: whether an upgrade without an
 *       {@code Origin} header (native apps, servers) is accepted — browsers always send one.</li>
 *   <li>{@code handshakeTimeoutSeconds}: a WebSocket upgrade whose authentication (token, revocation check) has not
 *       finished this long after its headers arrived is refused with 503. {@code apiIdleTimeoutSeconds}: an api
 *       connection on which nothing was read or written for this long is closed (idle keep-alives, stalled
 *       clients); the gateway's sockets have {@code gateway.idleTimeoutSeconds}.</li>
 *   <li>{@code hstsMaxAgeSeconds}: 0 (the default) sends no {@code Strict-Transport-Security}; set it only when the
 *       api is reached over TLS (at a terminating proxy), since browsers ignore it over plain HTTP anyway and a
 *       wrong value locks a host name to HTTPS.</li>
 *   <li>{@code opsAdminToken}: the operator token the ops port's {@code /admin/*} endpoints require as
 *       {@code Authorization: Bearer <token>} (empty: they refuse every call); {@code opsAdminRemote}: whether they
 *       answer peers that are not on loopback (default false, even when the ops port is bound to a public address
 *       for metrics and probes).</li>
 * </ul>
 */
public record EdgeConfig(List<String> trustedProxies, List<String> allowedOrigins, boolean allowMissingOrigin,
                         int handshakeTimeoutSeconds, int apiIdleTimeoutSeconds, int hstsMaxAgeSeconds,
                         String opsAdminToken, boolean opsAdminRemote) {

  /** The shortest operator token accepted: a guessable one would make the check decorative. */
  public static final int MIN_TOKEN_LENGTH = 32;

  static EdgeConfig from(ConfigReader r) {
    List<String> proxies = r.optionalStringList("edge.trustedProxies");
    for (String p : proxies) {
      if (!IpBlock.isValid(p)) {
        throw ConfigReader.invalid("edge.trustedProxies", "IP addresses or CIDR blocks (10.0.0.0/8, ::1)", p);
      }
    }
    List<String> origins = r.optionalStringList("edge.allowedOrigins");
    for (String o : origins) {
      if (!o.matches("https?://[A-Za-z0-9.-]+(:\\d{1,5})?|https?://\\[[0-9A-Fa-f:.]+](:\\d{1,5})?")) {
        throw ConfigReader.invalid("edge.allowedOrigins", "origins scheme://host[:port] (no path, no wildcard)", o);
      }
    }
    String token = r.optionalString("edge.opsAdminToken");
    if (!token.isEmpty() && (token.length() < MIN_TOKEN_LENGTH || !token.matches("[A-Za-z0-9._~+/=-]+"))) {
      throw ConfigReader.invalid("edge.opsAdminToken", "empty or at least " + MIN_TOKEN_LENGTH
          + " characters of [A-Za-z0-9._~+/=-]", "(" + token.length() + " characters, not shown)");
    }
    return new EdgeConfig(proxies, origins, r.bool("edge.allowMissingOrigin"),
        r.integer("edge.handshakeTimeoutSeconds", 1, 600), r.integer("edge.apiIdleTimeoutSeconds", 1, 86_400),
        r.integer("edge.hstsMaxAgeSeconds", 0, 63_072_000), token, r.bool("edge.opsAdminRemote"));
  }
}
