package dev.parley.snslocal;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;

/**
 * {@code /_local/*}: what tests and developers use to look at and steer the stand-in (docs/push.md). Not part of
 * any AWS API. Bodies are strict JSON; a bad one is a 400 with {@code {"error": "..."}}.
 */
final class ControlRoutes {
  private static final Set<Integer> FAULT_STATUSES = Set.of(429, 500, 503);
  private static final Set<String> ACTIONS = Set.of("*", "CreatePlatformEndpoint", "SetEndpointAttributes",
      "GetEndpointAttributes", "DeleteEndpoint", "Publish");

  private final SnsState state;

  ControlRoutes(SnsState state) {
    this.state = state;
  }

  void mount(Router router) {
    router.get("/_local/health").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "up")));
    router.get("/_local/publishes").handler(ctx -> json(ctx, 200,
        new JsonObject().put("publishes", state.publishes(ctx.queryParams().get("targetArn")))));
    router.get("/_local/publishes/count").handler(ctx -> json(ctx, 200,
        new JsonObject().put("count", state.publishCount())));
    router.delete("/_local/publishes").handler(ctx -> {
      state.clearPublishes();
      ctx.response().setStatusCode(204).end();
    });
    router.get("/_local/endpoints").handler(ctx -> json(ctx, 200, new JsonObject().put("endpoints", state.endpoints())));
    router.post("/_local/endpoints/disable").handler(this::disable);
    router.post("/_local/faults").handler(this::faults);
    router.post("/_local/reset").handler(ctx -> {
      state.reset();
      ctx.response().setStatusCode(204).end();
    });
  }

  /** {@code {"endpointArn": "..."}}: the endpoint turns Enabled=false, as SNS does after APNs/FCM reject its token. */
  private void disable(RoutingContext ctx) {
    JsonObject body = body(ctx, "endpointArn");
    if (body == null) {
      return;
    }
    String arn = body.getValue("endpointArn") instanceof String s ? s : null;
    try {
      state.endpoint(arn).attributes.put("Enabled", "false");
      ctx.response().setStatusCode(204).end();
    } catch (SnsError e) {
      error(ctx, 404, "no endpoint " + arn);
    }
  }

  /** {@code {"status": 429|500|503, "count": N, "action": "Publish"|"*"|...}}: refuse the next N such calls. */
  private void faults(RoutingContext ctx) {
    JsonObject body = body(ctx, "status", "count", "action");
    if (body == null) {
      return;
    }
    Object status = body.getValue("status");
    Object count = body.getValue("count");
    Object action = body.getValue("action", "Publish");
    if (!(status instanceof Integer s) || !FAULT_STATUSES.contains(s)) {
      error(ctx, 400, "status must be one of " + FAULT_STATUSES);
    } else if (!(count instanceof Integer n) || n < 1 || n > 100_000) {
      error(ctx, 400, "count must be an integer 1..100000");
    } else if (!(action instanceof String a) || !ACTIONS.contains(a)) {
      error(ctx, 400, "action must be one of " + ACTIONS);
    } else {
      state.addFaults(a, s, n);
      json(ctx, 200, new JsonObject().put("pendingFaults", state.pendingFaults()));
    }
  }

  private JsonObject body(RoutingContext ctx, String... allowed) {
    JsonObject json;
    try {
      json = ctx.body().buffer() == null ? null : new JsonObject(ctx.body().buffer());
    } catch (DecodeException | ClassCastException e) {
      json = null;
    }
    if (json == null) {
      error(ctx, 400, "the body must be a JSON object");
      return null;
    }
    for (String name : json.fieldNames()) {
      if (!Set.of(allowed).contains(name)) {
        error(ctx, 400, "unknown field '" + name + "'; allowed: " + String.join(", ", allowed));
        return null;
      }
    }
    return json;
  }

  private static void error(RoutingContext ctx, int status, String message) {
    json(ctx, status, new JsonObject().put("error", message));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }
}
