package dev.parley.presence;

import dev.parley.proto.presence.v1.GetPresenceRequest;
import dev.parley.proto.presence.v1.GetPresenceResponse;
import dev.parley.proto.presence.v1.PresenceService;
import dev.parley.proto.presence.v1.UserPresence;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.StatusException;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** gRPC {@code Presence}: batch state queries for the api role. */
final class PresenceGrpcApi extends PresenceService {
  private final dev.parley.presence.PresenceService presence;

  PresenceGrpcApi(dev.parley.presence.PresenceService presence) {
    this.presence = presence;
  }

  @Override
  public Future<GetPresenceResponse> getPresence(GetPresenceRequest request) {
    List<UUID> users = new ArrayList<>(request.getUserIdsCount());
    UUID viewer;
    try {
      if (request.getUserIdsCount() > dev.parley.presence.PresenceService.MAX_TARGETS_PER_REQUEST) {
        throw new IllegalArgumentException("at most " + dev.parley.presence.PresenceService.MAX_TARGETS_PER_REQUEST
            + " user ids per call");
      }
      viewer = request.getViewerUserId().isEmpty() ? null : UUID.fromString(request.getViewerUserId());
      request.getUserIdsList().forEach(id -> users.add(UUID.fromString(id)));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new StatusException(GrpcStatus.INVALID_ARGUMENT, e.getMessage()));
    }
    return presence.query(users).map(states -> {
      GetPresenceResponse.Builder out = GetPresenceResponse.newBuilder();
      for (PresenceStore.State s : states) {
        boolean reveal = !s.hidesLastSeen() || s.userId().equals(viewer);
        out.addUsers(UserPresence.newBuilder().setUserId(s.userId().toString()).setOnline(s.online())
            .setLastSeenMs(reveal && !s.online() ? s.lastSeenMs() : 0));
      }
      return out.build();
    });
  }
}
