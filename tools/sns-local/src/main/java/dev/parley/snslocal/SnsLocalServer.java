package dev.parley.snslocal;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Locale;
import java.util.UUID;

/**
 * The local SNS stand-in: {@code POST /} speaks the Query API subset of {@link QueryApi}; {@code /_local/*} is the
 * test and developer control surface of {@link ControlRoutes}. One verticle, so every request runs on one event
 * loop and the state needs no locks.
 */
public final class SnsLocalServer extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(SnsLocalServer.class);
  private static final int MAX_BODY_BYTES = 1_048_576;

  private final String host;
  private final int port;
  private final Clock clock;
  private HttpServer server;

  public SnsLocalServer(String host, int port, Clock clock) {
    this.host = host;
    this.port = port;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    SnsState state = new SnsState();
    QueryApi api = new QueryApi(state, clock);
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    router.post("/").handler(ctx -> query(ctx, api, state));
    new ControlRoutes(state).mount(router);
    return vertx.createHttpServer().requestHandler(router).listen(port, host).onSuccess(s -> {
      server = s;
      LOG.info("local SNS stand-in listening on http://{}:{}/ (recorded publishes: GET /_local/publishes)", host,
          s.actualPort());
    });
  }

  /** The bound port (useful with port 0 in tests); -1 before start. */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  private static void query(RoutingContext ctx, QueryApi api, SnsState state) {
    String requestId = UUID.randomUUID().toString();
    String action = ctx.request().formAttributes().get("Action");
    try {
      String type = ctx.request().getHeader("content-type");
      if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
        throw SnsError.invalidParameter("Content-Type Reason: must be application/x-www-form-urlencoded");
      }
      // Signatures are not verified (see docs/push.md), but an unsigned request is refused as AWS would.
      String auth = ctx.request().getHeader("authorization");
      if (auth == null || !auth.startsWith("AWS4-HMAC-SHA256 ")) {
        throw SnsError.missingAuthentication();
      }
      if (action == null || action.isEmpty()) {
        throw SnsError.invalidParameter("Action Reason: Action is required");
      }
      state.nextFault(action);
      String result = api.handle(action, ctx.request().formAttributes());
      reply(ctx, 200, Xml.response(action, result, requestId), requestId);
    } catch (SnsError e) {
      LOG.debug("{} refused: {} {}", action, e.code, e.getMessage());
      reply(ctx, e.status, Xml.error(e, requestId), requestId);
    }
  }

  private static void reply(RoutingContext ctx, int status, String xml, String requestId) {
    ctx.response().setStatusCode(status).putHeader("content-type", "text/xml")
        .putHeader("x-amzn-RequestId", requestId).end(xml);
  }
}
