package dev.parley.api;

import dev.parley.api.accounts.AccountRoutes;
import dev.parley.api.channels.ChannelRoutes;
import dev.parley.api.devices.DeviceRoutes;
import dev.parley.api.history.HistoryRoutes;
import dev.parley.shared.Refusal;
import dev.parley.api.http.ProblemHandler;
import dev.parley.api.http.RequestTarget;
import dev.parley.shared.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The whole REST surface. Every route here must be described in {@code openapi.yaml} and vice versa
 * ({@code OpenApiDocumentTest} enforces it); errors of any route leave through {@link ProblemHandler}.
 */
public final class ApiRouter {
  public static final String OPENAPI_RESOURCE = "openapi.yaml";

  private ApiRouter() {
  }

  public static Router create(Vertx vertx, ApiComponents c, Buffer openApiDocument) {
    Router router = Router.router(vertx);
    ProblemHandler problems = new ProblemHandler(c.metrics());
    router.route().handler(ctx -> {
      // Responses carry tokens and personal data: never cache them, never let a browser sniff their type.
      ctx.response().putHeader("cache-control", "no-store").putHeader("x-content-type-options", "nosniff");
      ctx.next();
    });
    router.route().handler(new RequestTarget());
    // Before the body handler: upload chunks stream to storage and must never be buffered (media/MediaRoutes).
    c.media().routes(c.bearerAuth()).mount(router);
    // Bodies over the limit are refused with 413 while streaming in, before they are buffered.
    router.route().handler(BodyHandler.create(false).setBodyLimit(c.maxBodyBytes()));
    new AccountRoutes(c.accounts(), c.tokens(), c.rateLimiter(), c.bearerAuth(), c.realtime(), c.push()).mount(router);
    new DeviceRoutes(c.devices(), c.bearerAuth(), c.push()).mount(router);
    new dev.parley.api.push.PushRoutes(c.push(), c.bearerAuth()).mount(router);
    new ChannelRoutes(c.channels(), c.memberships(), c.blocks(), c.bearerAuth(), c.maxChannelMembers()).mount(router);
    new dev.parley.api.chats.ChatRoutes(c.chats(), c.bearerAuth()).mount(router);
    new dev.parley.api.realtime.RealtimeRoutes(c.realtime(), c.bearerAuth()).mount(router);
    new HistoryRoutes(c.history(), c.bearerAuth()).mount(router);
    new dev.parley.api.keys.KeyRoutes(c.keys(), c.bearerAuth()).mount(router);
    new dev.parley.api.mls.MlsRoutes(c.mls(), c.bearerAuth()).mount(router);
    router.get("/openapi.yaml").handler(ctx -> ctx.response().putHeader("content-type", "application/yaml")
        .end(openApiDocument));
    router.route().failureHandler(problems);
    router.errorHandler(404, ctx -> problems.send(ctx,
        Refusal.of(ErrorCode.NOT_FOUND, "no route " + ctx.request().method() + " " + abbreviate(ctx.request().path()))));
    router.errorHandler(405, ctx -> problems.send(ctx,
        Refusal.of(ErrorCode.METHOD_NOT_ALLOWED, ctx.request().method() + " is not allowed on this path")));
    // Whatever else the router itself answers (e.g. a path it cannot decode: 400) is a problem document too.
    for (int status : new int[] {400, 401, 403, 413, 414, 415, 422, 429, 431, 500, 501, 503}) {
      router.errorHandler(status, problems);
    }
    return router;
  }

  /** A path as it may appear in a detail: the request line may be 4 KiB long. */
  private static String abbreviate(String path) {
    return path.length() <= 200 ? path : path.substring(0, 200) + "…";
  }
}
