package dev.parley.chatstate;

import dev.parley.protocol.ChatFrames;
import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import dev.parley.shared.membership.Memberships;
import dev.parley.shared.membership.Memberships.MemberDevice;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What a user does to a chat's state, from any device, over REST (api role) or WebSocket (gateway role): mark read
 * up to a seq, mark unread, mute, report delivery, type. Every change is atomic in {@link ChatStore} and pushed at
 * once to the user's other live devices as a {@code chat} frame; receipts and typing go to the other members' live
 * devices. Only members may act: anyone else gets {@link Refusal} {@code not_a_member}.
 */
public final class ChatStateService {
  private final ChatStore store;
  private final Memberships members;
  private final LiveFrames push;
  private final int receiptsMaxGroupSize;

  /**
   * @param receiptsMaxGroupSize receipts are sent in channels of at most this many members (DMs always)
   */
  public ChatStateService(ChatStore store, Memberships members, LiveFrames push, int receiptsMaxGroupSize) {
    this.store = store;
    this.members = members;
    this.push = push;
    this.receiptsMaxGroupSize = receiptsMaxGroupSize;
  }

  public ChatStore store() {
    return store;
  }

  /** Fails with {@code not_a_member} unless the user belongs to the channel. */
  public Future<Void> requireMember(UUID channelId, UUID user) {
    return members.isMember(channelId, user)
        .compose(member -> member ? Future.succeededFuture() : Future.failedFuture(
            Refusal.of(ErrorCode.NOT_A_MEMBER, "you are not a member of this channel")));
  }

  /** The user's view of the chat (as in a {@code chat} frame). */
  public Future<JsonObject> view(UUID user, UUID channelId) {
    return requireMember(channelId, user).compose(v -> current(user, channelId));
  }

  /**
   * Moves the read cursor to {@code seq} (never backwards, never past the head) and clears "marked unread"; the
   * user's other devices get the new state, the other members a read receipt (when both sides allow them).
   */
  public Future<JsonObject> markRead(UUID user, UUID device, UUID channelId, long seq) {
    return requireMember(channelId, user)
        .compose(v -> store.cursors().markRead(channelId, user, seq))
        .compose(adv -> current(user, channelId).compose(view -> {
          Future<Void> sync = adv.advanced() || adv.markCleared() ? toOwnDevices(user, device, channelId, view)
              : Future.succeededFuture();
          Future<Void> receipt = adv.advanced() ? readReceipt(user, channelId, adv.cursor()) : Future.succeededFuture();
          return Future.all(sync, receipt).map(view);
        }));
  }

  /** Flags the chat as unread for the user (shown unread even at zero count) until the user next reads it. */
  public Future<JsonObject> markUnread(UUID user, UUID device, UUID channelId) {
    return requireMember(channelId, user)
        .compose(v -> store.cursors().setMarkedUnread(channelId, user, true))
        .compose(v -> current(user, channelId))
        .compose(view -> toOwnDevices(user, device, channelId, view).map(view));
  }

  /** Mutes or unmutes the chat for the user: no push notifications, still counted unread. */
  public Future<JsonObject> setMuted(UUID user, UUID device, UUID channelId, boolean muted) {
    return requireMember(channelId, user)
        .compose(v -> store.cursors().setMuted(channelId, user, muted))
        .compose(v -> current(user, channelId))
        .compose(view -> toOwnDevices(user, device, channelId, view).map(view));
  }

  /** A device received the channel's messages up to {@code seq}: a delivery receipt to the other members. */
  public Future<Void> delivered(UUID user, UUID channelId, long seq) {
    return requireMember(channelId, user)
        .compose(v -> store.cursors().markDelivered(channelId, user, seq))
        .compose(adv -> adv.advanced() ? receipt(user, channelId, "delivered", adv.cursor(), false)
            : Future.succeededFuture());
  }

  /** Typing started or stopped: to the other members' live devices only; nothing is stored. */
  public Future<Void> typing(UUID user, UUID device, UUID channelId, boolean started) {
    return requireMember(channelId, user).compose(v -> members.devicesOf(channelId)).compose(devices -> {
      List<UUID> targets = new ArrayList<>();
      devices.forEach(d -> {
        if (!d.userId().equals(user)) {
          targets.add(d.deviceId());
        }
      });
      return push.push(List.of(new LiveFrames.Part(ChatFrames.typing(channelId, user, device, started), targets)));
    });
  }

  private Future<JsonObject> current(UUID user, UUID channelId) {
    return store.snapshots().snapshots(Map.of(channelId, List.of(user)))
        .map(s -> s.get(channelId).head().chatFrame(channelId, s.get(channelId).of(user)));
  }

  private Future<Void> toOwnDevices(UUID user, UUID origin, UUID channelId, JsonObject view) {
    return members.devicesOf(channelId).compose(devices -> {
      List<UUID> mine = new ArrayList<>();
      devices.forEach(d -> {
        if (d.userId().equals(user) && !d.deviceId().equals(origin)) {
          mine.add(d.deviceId());
        }
      });
      return push.push(List.of(new LiveFrames.Part(view, mine)));
    });
  }

  private Future<Void> readReceipt(UUID user, UUID channelId, long seq) {
    return receipt(user, channelId, "read", seq, true);
  }

  /**
   * A receipt to the other members' devices, in channels up to the configured size. Read receipts
   * ({@code reciprocal}) are sent only when the reader allows them, and only to members who allow them too.
   */
  private Future<Void> receipt(UUID user, UUID channelId, String kind, long seq, boolean reciprocal) {
    return members.devicesOf(channelId).compose(devices -> {
      Set<UUID> users = new LinkedHashSet<>();
      devices.forEach(d -> users.add(d.userId()));
      if (users.size() > receiptsMaxGroupSize) {
        return Future.succeededFuture();
      }
      Future<Set<UUID>> off = reciprocal ? store.settings().receiptsOff(users) : Future.succeededFuture(Set.of());
      return off.compose(optedOut -> {
        if (optedOut.contains(user)) {
          return Future.succeededFuture();
        }
        List<UUID> targets = new ArrayList<>();
        for (MemberDevice d : devices) {
          if (!d.userId().equals(user) && !optedOut.contains(d.userId())) {
            targets.add(d.deviceId());
          }
        }
        return push.push(List.of(new LiveFrames.Part(ChatFrames.receipt(channelId, user, kind, seq), targets)));
      });
    });
  }
}
