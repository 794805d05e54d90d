package dev.parley.api.realtime;

import dev.parley.proto.discovery.v1.DiscoveryGrpcClient;
import dev.parley.proto.presence.v1.PresenceGrpcClient;
import dev.parley.shared.config.ParleyConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.sqlclient.Pool;

import java.util.concurrent.TimeUnit;

/** The api role's clients of the realtime roles: discovery (gateway assignment) and presence. */
public record RealtimeApi(GatewayAssigner gateways, PresenceQuery presence) {

  public static RealtimeApi create(Vertx vertx, ParleyConfig config, Pool pg) {
    int timeoutMs = config.discovery().callTimeoutMs();
    // Every call gets a deadline; the server side stops work past it too.
    GrpcClient grpc = GrpcClient.client(vertx, new GrpcClientOptions().setTimeout(timeoutMs)
        .setTimeoutUnit(TimeUnit.MILLISECONDS).setScheduleDeadlineAutomatically(true));
    DiscoveryGrpcClient discovery = DiscoveryGrpcClient.create(grpc,
        SocketAddress.inetSocketAddress(config.discovery().port(), config.discovery().host()));
    PresenceGrpcClient presence = PresenceGrpcClient.create(grpc,
        SocketAddress.inetSocketAddress(config.presence().port(), config.presence().host()));
    return new RealtimeApi(new GatewayAssigner(discovery, config.node().region()),
        new PresenceQuery(pg, presence, vertx.eventBus(), timeoutMs));
  }
}
