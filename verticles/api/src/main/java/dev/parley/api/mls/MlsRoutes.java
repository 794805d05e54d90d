package dev.parley.api.mls;

import dev.parley.api.http.BearerAuth;
import dev.parley.api.http.Replies;
import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import dev.parley.shared.auth.AccessClaims;
import dev.parley.shared.ids.Ids;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/** The Delivery Service's REST routes (docs/e2ee.md, docs/api.md, openapi.yaml tag {@code mls}). */
public final class MlsRoutes {

  private final MlsDeliveryService service;
  private final BearerAuth auth;

  public MlsRoutes(MlsDeliveryService service, BearerAuth auth) {
    this.service = service;
    this.auth = auth;
  }

  public void mount(Router router) {
    router.get("/v1/channels/:channelId/mls/group-info").handler(auth).handler(this::groupInfo);
    router.get("/v1/mls/welcomes").handler(auth).handler(this::welcomes);
    router.delete("/v1/mls/welcomes/:welcomeId").handler(auth).handler(this::deleteWelcome);
  }

  private void groupInfo(RoutingContext ctx) {
    AccessClaims caller = BearerAuth.caller(ctx);
    var channelId = Ids.parse("channelId", ctx.pathParam("channelId"));
    // Same query rules as history: at most once, plain decimal digits, else 400 naming it.
    List<String> values = ctx.queryParams().getAll("epoch");
    Long epoch = null;
    if (!values.isEmpty()) {
      if (values.size() > 1 || !values.get(0).matches("0|[1-9][0-9]{0,17}")) {
        throw new Refusal(ErrorCode.BAD_REQUEST, "epoch", "'epoch' must appear once, as a whole number");
      }
      epoch = Long.parseLong(values.get(0));
    }
    Replies.json(ctx, 200, service.groupInfo(caller.userId(), channelId, epoch));
  }

  private void welcomes(RoutingContext ctx) {
    Replies.json(ctx, 200, service.welcomes(BearerAuth.caller(ctx).deviceId()));
  }

  private void deleteWelcome(RoutingContext ctx) {
    AccessClaims caller = BearerAuth.caller(ctx);
    Replies.noContent(ctx, service.deleteWelcome(caller.deviceId(), Ids.parse("welcomeId",
        ctx.pathParam("welcomeId"))));
  }
}
