package dev.parley.message.mls;

import dev.parley.chatstate.LiveFrames;
import dev.parley.mls.PublicEpoch;
import dev.parley.protocol.MlsFrames;
import dev.parley.shared.Addresses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Tells a channel's connected member devices at once that its group holds leaves of devices that are no longer
 * members' active devices (a member removed or gone, a device deleted): {@code mls.removal_pending}, so the first
 * online member's client commits the removal. Best effort: the guarantee is that application messages are refused
 * ({@code mls_removal_pending}) until that commit, whoever sends first.
 */
public final class RemovalNotices {
  private static final Logger LOG = LoggerFactory.getLogger(RemovalNotices.class);

  private final GroupStates groupStates;
  private final MemberKeys memberKeys;
  private final MlsGate.DeviceFrames frames;
  private final MlsGate.Blocking blocking;

  public RemovalNotices(GroupStates groupStates, MemberKeys memberKeys, MlsGate.DeviceFrames frames,
                        MlsGate.Blocking blocking) {
    this.groupStates = groupStates;
    this.memberKeys = memberKeys;
    this.frames = frames;
    this.blocking = blocking;
  }

  public Future<Void> listen(EventBus bus) {
    return bus.<JsonObject>consumer(Addresses.MEMBERSHIP_CHANGED, m -> {
      if ("removed".equals(m.body().getString("change"))) {
        check(UUID.fromString(m.body().getString("channelId")));
      }
    }).completion().compose(v -> bus.<JsonObject>consumer(Addresses.DEVICE_REVOKED, m ->
        groupStates.groupChannelsOf(UUID.fromString(m.body().getString("userId")))
            .onSuccess(channels -> channels.forEach(this::check))
            .onFailure(err -> LOG.warn("channels of a revoked device's user not readable: {}", err.toString())))
        .completion());
  }

  /** Sends the notice if {@code channel}'s newest group state holds leaves of non-member devices. */
  public Future<Void> check(UUID channel) {
    Future<PublicEpoch> state = groupStates.latest(channel).compose(stored -> stored == null
        ? Future.succeededFuture(null) : blocking.run(() -> PublicEpoch.read(stored.groupInfo(), stored.ratchetTree())));
    Future<Map<UUID, byte[]>> keys = memberKeys.of(channel);
    return Future.all(state, keys).compose(v -> {
      PublicEpoch s = state.result();
      if (s == null) {
        return Future.<Void>succeededFuture();
      }
      List<Integer> pending = new ArrayList<>();
      s.leaves().forEach((leaf, l) -> {
        if (!keys.result().containsKey(l.device())) {
          pending.add(leaf);
        }
      });
      if (pending.isEmpty()) {
        return Future.<Void>succeededFuture();
      }
      JsonObject frame = MlsFrames.removalPending(channel, s.epoch(), pending);
      return frames.push(List.of(new LiveFrames.Part(frame, List.copyOf(keys.result().keySet()))));
    }).onFailure(err -> LOG.warn("channel {}: removal notice not sent: {}", channel, err.toString()));
  }
}
