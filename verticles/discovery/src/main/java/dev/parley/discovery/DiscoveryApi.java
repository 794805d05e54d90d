package dev.parley.discovery;

import dev.parley.proto.discovery.v1.DiscoveryService;
import dev.parley.proto.discovery.v1.GatewayInfo;
import dev.parley.proto.discovery.v1.ListGatewaysRequest;
import dev.parley.proto.discovery.v1.ListGatewaysResponse;
import dev.parley.proto.discovery.v1.PickGatewayRequest;
import dev.parley.proto.discovery.v1.PickGatewayResponse;
import dev.parley.shared.discovery.GatewayRecord;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;

/** The gRPC {@code Discovery} service over the live {@link GatewayView}. */
final class DiscoveryApi extends DiscoveryService {
  private static final int MAX_ID_LENGTH = 64;

  private final GatewayView view;
  private final GatewayPicker picker;

  DiscoveryApi(GatewayView view, GatewayPicker picker) {
    this.view = view;
    this.picker = picker;
  }

  @Override
  public Future<PickGatewayResponse> pickGateway(PickGatewayRequest request) {
    if (request.getRegion().length() > MAX_ID_LENGTH || request.getPreviousNodeId().length() > MAX_ID_LENGTH) {
      return Future.failedFuture(new StatusException(GrpcStatus.INVALID_ARGUMENT, "region and previous_node_id are at most "
          + MAX_ID_LENGTH + " characters"));
    }
    picker.retain(view.gateways().stream().map(GatewayRecord::nodeId).toList());
    return picker.pick(view.gateways(), request.getRegion(), request.getPreviousNodeId())
        .map(g -> Future.succeededFuture(PickGatewayResponse.newBuilder().setGateway(toProto(g))
            .setStaleView(view.stale()).build()))
        .orElseGet(() -> Future.failedFuture(new StatusException(GrpcStatus.NOT_FOUND,
            "no gateway can take a client now (none registered, all draining or full)")));
  }

  @Override
  public Future<ListGatewaysResponse> listGateways(ListGatewaysRequest request) {
    ListGatewaysResponse.Builder builder = ListGatewaysResponse.newBuilder().setStaleView(view.stale());
    view.gateways().forEach(g -> builder.addGateways(toProto(g)));
    return Future.succeededFuture(builder.build());
  }

  static GatewayInfo toProto(GatewayRecord g) {
    return GatewayInfo.newBuilder().setNodeId(g.nodeId()).setUrl(g.url()).setRegion(g.region())
        .setCapacity(g.capacity()).setConnections(g.connections()).setEventLoopLagMs(g.eventLoopLagMs())
        .setDraining(g.draining()).setUpdatedAtMs(g.updatedAtMs()).build();
  }
}
