package dev.parley.node;

import dev.parley.shared.ErrorCode;
import dev.parley.shared.config.EdgeConfig;
import dev.parley.shared.http.Problems;
import dev.parley.shared.net.IpBlock;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The ops port's {@code /admin/*} endpoints act on the node (drain a gateway): they answer only loopback peers
 * (unless {@code edge.opsAdminRemote}) presenting {@code Authorization: Bearer <edge.opsAdminToken>}. The ops
 * port itself may face a monitoring network for {@code /metrics} and probes; the admin calls must not. Refusals
 * are problem+json: {@code admin_forbidden} (403) from another address or when no token is configured (admin off),
 * {@code operator_token_required} (401, {@code WWW-Authenticate: Bearer}) without the right token. The token is
 * compared in constant time.
 */
final class AdminGuard {
  private final byte[] token;
  private final boolean remote;

  AdminGuard(EdgeConfig edge) {
    this.token = edge.opsAdminToken().getBytes(StandardCharsets.UTF_8);
    this.remote = edge.opsAdminRemote();
  }

  void handle(RoutingContext rc) {
    if (!remote && !isLoopback(rc.request().remoteAddress().hostAddress())) {
      Problems.send(rc.response(), ErrorCode.ADMIN_FORBIDDEN, "admin endpoints answer loopback callers only "
          + "(edge.opsAdminRemote)");
      return;
    }
    if (token.length == 0) {
      Problems.send(rc.response(), ErrorCode.ADMIN_FORBIDDEN, "admin endpoints are off: no operator token is "
          + "configured (edge.opsAdminToken)");
      return;
    }
    String auth = rc.request().getHeader("Authorization");
    byte[] given = auth != null && auth.startsWith("Bearer ")
        ? auth.substring(7).getBytes(StandardCharsets.UTF_8) : new byte[0];
    if (!MessageDigest.isEqual(token, given)) {
      rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"parley-ops\"");
      Problems.send(rc.response(), ErrorCode.OPERATOR_TOKEN_REQUIRED, "Authorization: Bearer <operator token> "
          + "required");
      return;
    }
    rc.next();
  }

  static boolean isLoopback(String address) {
    Optional<byte[]> bytes = IpBlock.literal(address);
    return bytes.isPresent() && (IpBlock.parse("127.0.0.0/8").orElseThrow().contains(bytes.get())
        || IpBlock.parse("::1").orElseThrow().contains(bytes.get()));
  }
}
