package dev.parley.api.realtime;

import dev.parley.shared.Refusal;
import dev.parley.proto.discovery.v1.DiscoveryGrpcClient;
import dev.parley.proto.discovery.v1.GatewayInfo;
import dev.parley.proto.discovery.v1.PickGatewayRequest;
import dev.parley.shared.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * Asks the discovery role which gateway a device should connect to (gRPC {@code PickGateway}, with the call
 * deadline of {@code discovery.callTimeoutMs}). gRPC failures are mapped to problems here, in one place:
 * NOT_FOUND → 503 {@code no_gateway}; anything else (unreachable, deadline) → 503 {@code discovery_unavailable}.
 */
public final class GatewayAssigner {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayAssigner.class);

  private final DiscoveryGrpcClient discovery;
  private final String region;

  public GatewayAssigner(DiscoveryGrpcClient discovery, String region) {
    this.discovery = discovery;
    this.region = region;
  }

  /** The assigned gateway: {@code {"url","nodeId","region","staleView"}}. */
  public Future<JsonObject> assign(UUID userId, UUID deviceId, String previousNodeId) {
    PickGatewayRequest request = PickGatewayRequest.newBuilder().setUserId(userId.toString())
        .setDeviceId(deviceId.toString()).setRegion(region)
        .setPreviousNodeId(previousNodeId == null ? "" : previousNodeId).build();
    return discovery.pickGateway(request)
        .map(r -> toJson(r.getGateway()).put("staleView", r.getStaleView()))
        .recover(err -> Future.failedFuture(problem(err)));
  }

  /** For login: the assignment when discovery answers, else nothing (login must not fail because of it). */
  public Future<JsonObject> assignOrNull(UUID userId, UUID deviceId) {
    return assign(userId, deviceId, null).recover(err -> {
      LOG.warn("login of device {} without a gateway assignment: {}", deviceId, err.getMessage());
      return Future.succeededFuture(null);
    });
  }

  private static JsonObject toJson(GatewayInfo g) {
    return new JsonObject().put("url", g.getUrl()).put("nodeId", g.getNodeId()).put("region", g.getRegion());
  }

  static Refusal problem(Throwable err) {
    if (err instanceof InvalidStatusException s && s.actualStatus() == GrpcStatus.NOT_FOUND) {
      return Refusal.of(ErrorCode.NO_GATEWAY, "no gateway can take a client now; retry shortly");
    }
    return Refusal.of(ErrorCode.DISCOVERY_UNAVAILABLE, "gateway assignment is unavailable right now; retry shortly");
  }
}
