package dev.parley.api.realtime;

import dev.parley.shared.Refusal;
import dev.parley.shared.ids.Ids;
import dev.parley.api.http.BearerAuth;
import dev.parley.api.http.JsonBody;
import dev.parley.api.http.Replies;
import dev.parley.shared.ErrorCode;
import dev.parley.shared.auth.AccessClaims;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /v1/gateway} (which gateway to open the WebSocket to), {@code GET /v1/presence} and
 * {@code PUT /v1/me/presence} (last-seen privacy).
 */
public final class RealtimeRoutes {
  private final RealtimeApi realtime;
  private final BearerAuth auth;

  public RealtimeRoutes(RealtimeApi realtime, BearerAuth auth) {
    this.realtime = realtime;
    this.auth = auth;
  }

  public void mount(Router router) {
    router.get("/v1/gateway").handler(auth).handler(this::gateway);
    router.get("/v1/presence").handler(auth).handler(this::presence);
    router.put("/v1/me/presence").handler(auth).handler(this::privacy);
  }

  private void gateway(RoutingContext ctx) {
    AccessClaims caller = BearerAuth.caller(ctx);
    String previous = ctx.queryParams().get("previousNodeId");
    if (previous != null && !previous.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
      throw new Refusal(ErrorCode.INVALID_FIELD, "previousNodeId", "previousNodeId must be a node id");
    }
    Replies.json(ctx, 200, realtime.gateways().assign(caller.userId(), caller.deviceId(), previous));
  }

  private void presence(RoutingContext ctx) {
    String raw = ctx.queryParams().get("userIds");
    if (raw == null || raw.isBlank()) {
      throw new Refusal(ErrorCode.INVALID_FIELD, "userIds", "userIds is a comma-separated list of user ids");
    }
    String[] parts = raw.split(",", -1);
    if (parts.length > PresenceQuery.MAX_USERS) {
      throw new Refusal(ErrorCode.INVALID_FIELD, "userIds", "at most " + PresenceQuery.MAX_USERS + " user ids");
    }
    List<UUID> users = new ArrayList<>(parts.length);
    for (String part : parts) {
      users.add(Ids.parse("userIds", part));
    }
    Replies.json(ctx, 200, realtime.presence().states(BearerAuth.caller(ctx).userId(), users));
  }

  private void privacy(RoutingContext ctx) {
    JsonBody body = JsonBody.read(ctx, "hideLastSeen");
    Replies.json(ctx, 200, realtime.presence().setHideLastSeen(BearerAuth.caller(ctx).userId(),
        body.bool("hideLastSeen")));
  }
}
