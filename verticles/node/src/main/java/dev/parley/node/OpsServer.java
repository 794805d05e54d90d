package dev.parley.node;

import dev.parley.proto.ops.v1.DependencyState;
import dev.parley.proto.ops.v1.GetReadinessRequest;
import dev.parley.proto.ops.v1.GetReadinessResponse;
import dev.parley.proto.ops.v1.NodeOpsGrpcService;
import dev.parley.proto.ops.v1.NodeOpsService;
import dev.parley.shared.Addresses;
import dev.parley.shared.ErrorCode;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.config.Role;
import dev.parley.shared.deps.DependencyStatus;
import dev.parley.shared.deps.ReadinessProbe;
import dev.parley.shared.http.Problems;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.internal.VertxInternal;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.micrometer.PrometheusScrapingHandler;

import java.time.Clock;
import java.util.List;

/**
 * The node's operations port: liveness ({@code /health}), readiness of every dependency ({@code /ready}),
 * a cross-node diagnostic over the clustered event bus ({@code /cluster/nodes/{id}}), Prometheus metrics
 * ({@code /metrics}), the operator's gateway drain ({@code POST /admin/drain}, behind {@link AdminGuard}), and the gRPC
 * {@code NodeOps} service on the same port (requests with content-type {@code application/grpc}).
 */
final class OpsServer {
  private static final long NODE_INFO_TIMEOUT_MS = 3_000;

  private final Vertx vertx;
  private final ParleyConfig config;
  private final ReadinessProbe probe;
  private final Clock clock;
  private final long startedAt;

  OpsServer(Vertx vertx, ParleyConfig config, ReadinessProbe probe, Clock clock) {
    this.vertx = vertx;
    this.config = config;
    this.probe = probe;
    this.clock = clock;
    this.startedAt = clock.millis();
  }

  /** Binds the port and registers the node-info consumer; fails if either fails. Returns the bound port. */
  Future<Integer> start() {
    Router router = Router.router(vertx);
    router.get("/health").handler(this::health);
    router.get("/ready").handler(this::ready);
    router.get("/cluster/nodes/:nodeId").handler(this::nodeInfo);
    router.get("/metrics").handler(PrometheusScrapingHandler.create());
    router.route("/admin/*").handler(new AdminGuard(config.edge())::handle);
    router.post("/admin/drain").handler(this::drain);
    GrpcServer grpc = GrpcServer.server(vertx).addService(NodeOpsGrpcService.of(new NodeOpsService() {
      @Override
      public Future<GetReadinessResponse> getReadiness(GetReadinessRequest request) {
        return probe.check().map(OpsServer.this::toProto);
      }
    }));
    Future<Void> consumer = vertx.eventBus().<JsonObject>consumer(Addresses.nodeInfo(config.node().id()),
        msg -> readinessJson().onSuccess(msg::reply)
            .onFailure(err -> msg.fail(500, err.getMessage()))).completion();
    Future<Integer> http = vertx.createHttpServer(new HttpServerOptions().setHost(config.node().opsHost()))
        .requestHandler(req -> {
          String contentType = req.getHeader("content-type");
          if (contentType != null && contentType.startsWith("application/grpc")) {
            grpc.handle(req);
          } else {
            router.handle(req);
          }
        })
        .listen(config.node().opsPort())
        .map(server -> server.actualPort())
        .recover(err -> Future.failedFuture(new IllegalStateException("ops port " + config.node().opsHost() + ":"
            + config.node().opsPort() + " could not be bound (is another node using it? set node.opsPort): "
            + err.getMessage(), err)));
    return consumer.compose(v -> http);
  }

  private void health(RoutingContext rc) {
    JsonObject body = identity().put("status", "UP")
        .put("uptimeMs", clock.millis() - startedAt)
        .put("clusterMembers", clusterMembers());
    rc.response().putHeader("content-type", "application/json").end(body.encode());
  }

  private void ready(RoutingContext rc) {
    readinessJson().onSuccess(body -> rc.response().setStatusCode(body.getBoolean("ready") ? 200 : 503)
            .putHeader("content-type", "application/json").end(body.encode()))
        .onFailure(err -> Problems.send(rc.response(), ErrorCode.INTERNAL, err.getMessage()));
  }

  private void nodeInfo(RoutingContext rc) {
    String nodeId = rc.pathParam("nodeId");
    if (!nodeId.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
      Problems.send(rc.response(), ErrorCode.BAD_REQUEST, "node id must be 1-63 characters of [A-Za-z0-9_.-]");
      return;
    }
    vertx.eventBus().<JsonObject>request(Addresses.nodeInfo(nodeId), null,
            new DeliveryOptions().setSendTimeout(NODE_INFO_TIMEOUT_MS))
        .onSuccess(reply -> rc.response().putHeader("content-type", "application/json")
            .end(new JsonObject().put("askedBy", config.node().id()).put("node", reply.body()).encode()))
        .onFailure(err -> {
          if (err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
            Problems.send(rc.response(), ErrorCode.NODE_UNREACHABLE, "no node " + nodeId + " in this cluster");
          } else if (err instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT) {
            Problems.send(rc.response(), ErrorCode.TIMEOUT, "node " + nodeId + " did not answer in "
                + NODE_INFO_TIMEOUT_MS + " ms");
          } else {
            Problems.send(rc.response(), ErrorCode.INTERNAL, err.getMessage());
          }
        });
  }

  /** Operator command (scripts/nodes drain): drains this node's gateway role. */
  private void drain(RoutingContext rc) {
    vertx.eventBus().<JsonObject>request(Addresses.gatewayDrain(config.node().id()), new JsonObject(),
            new DeliveryOptions().setSendTimeout(NODE_INFO_TIMEOUT_MS))
        .onSuccess(reply -> rc.response().putHeader("content-type", "application/json").end(reply.body().encode()))
        .onFailure(err -> {
          if (err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
            Problems.send(rc.response(), ErrorCode.NOT_FOUND, "node " + config.node().id() + " has no gateway role to drain");
          } else {
            Problems.send(rc.response(), ErrorCode.INTERNAL, "drain failed: " + err.getMessage());
          }
        });
  }

  private Future<JsonObject> readinessJson() {
    return probe.check().map(statuses -> {
      JsonArray deps = new JsonArray();
      statuses.forEach(s -> deps.add(s.toJson()));
      return identity().put("ready", statuses.stream().allMatch(DependencyStatus::up)).put("dependencies", deps);
    });
  }

  private GetReadinessResponse toProto(List<DependencyStatus> statuses) {
    GetReadinessResponse.Builder builder = GetReadinessResponse.newBuilder().setNodeId(config.node().id())
        .setReady(statuses.stream().allMatch(DependencyStatus::up));
    config.node().roles().stream().map(Role::wireName).sorted().forEach(builder::addRoles);
    for (DependencyStatus s : statuses) {
      builder.addDependencies(DependencyState.newBuilder().setName(s.dependency().wireName()).setUp(s.up())
          .setLatencyMs(s.latencyMs()).setError(s.error() == null ? "" : s.error()));
    }
    return builder.build();
  }

  private JsonObject identity() {
    JsonArray roles = new JsonArray();
    config.node().roles().stream().map(Role::wireName).sorted().forEach(roles::add);
    return new JsonObject().put("nodeId", config.node().id()).put("region", config.node().region()).put("roles", roles);
  }

  private int clusterMembers() {
    if (vertx instanceof VertxInternal internal && internal.clusterManager() != null) {
      return internal.clusterManager().getNodes().size();
    }
    return 1;
  }
}
