package dev.parley.api.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Ends a request with the outcome of a service call; any failure goes to {@link ProblemHandler}. */
public final class Replies {
  private Replies() {
  }

  public static void json(RoutingContext ctx, int status, Future<JsonObject> result) {
    result.onSuccess(body -> ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
        .end(body.encode())).onFailure(ctx::fail);
  }

  public static void noContent(RoutingContext ctx, Future<?> result) {
    result.onSuccess(v -> ctx.response().setStatusCode(204).end()).onFailure(ctx::fail);
  }
}
