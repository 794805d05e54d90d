package dev.parley.client;

import dev.parley.client.e2ee.ChannelStates;
import dev.parley.client.e2ee.E2eeDevice;
import dev.parley.client.e2ee.KeyDirectoryApi;
import dev.parley.client.e2ee.MlsApi;
import dev.parley.mls.ExternalJoin;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Who is in each channel's MLS group (docs/e2ee.md, "Delivery Service protocol" §5–§8): creating the group of a new
 * channel (claiming KeyPackages of every member device), adding a user's devices, removing the leaves of devices that
 * are no longer members' (without being asked, when the server says a removal is pending), joining from Welcomes,
 * and joining by external commit where this device has no session yet (a new device of a member). Lives on the
 * client's context.
 */
final class E2eeMembership {
  private static final Logger LOG = LoggerFactory.getLogger(E2eeMembership.class);

  private final E2eeDevice device;
  private final ChannelStates states;
  private final MlsApi mls;
  private final KeyDirectoryApi keysApi;
  private final String token;
  private final E2eeOutbound outbound;
  private final E2eeInbound inbound;
  private final Inbox inbox;
  private final java.util.Map<UUID, Future<Void>> joining = new java.util.HashMap<>();
  private final java.util.Map<UUID, Future<Void>> creating = new java.util.HashMap<>();

  E2eeMembership(E2eeDevice device, MlsApi mls, KeyDirectoryApi keysApi, String token, E2eeOutbound outbound,
                 E2eeInbound inbound, Inbox inbox) {
    this.device = device;
    this.states = device.channels();
    this.mls = mls;
    this.keysApi = keysApi;
    this.token = token;
    this.outbound = outbound;
    this.inbound = inbound;
    this.inbox = inbox;
    outbound.removeStrays = this::removeStrays;
    outbound.ensureSession = this::ensureSession;
    inbound.joiner(this::joinFromWelcomes);
  }

  /**
   * The first commit of a new channel: a local group at epoch 0 plus every other member device (this user's other
   * devices included). If another device's first commit wins, this device joins by its Welcome or externally.
   * With no other device to add (nobody else has published KeyPackages yet) no group is made: BC 1.84 cannot
   * build a commit in a one-leaf group (its update path over a single leaf fails), so the group is created by
   * whichever member device first finds someone to add — this one at its next send or connect, or the peer's
   * device when it connects.
   */
  Future<Void> createGroup(UUID channelId) {
    // One creation per channel at a time on this device: the connect-time sweep (joinAll) and an explicit create
    // racing each other would make two epoch-0 groups of the same device; the loser's local group would replace the
    // winner's, and the device would end up a member on the server with no state to read the channel.
    return once(creating, channelId, () -> createGroupNow(channelId));
  }

  /** The run already under way for the channel in {@code runs}, or a new one (forgotten once it completes). */
  private static Future<Void> once(java.util.Map<UUID, Future<Void>> runs, UUID channelId,
                                   java.util.function.Supplier<Future<Void>> start) {
    Future<Void> running = runs.get(channelId);
    if (running != null) {
      return running;
    }
    Future<Void> run = start.get();
    runs.put(channelId, run);
    run.onComplete(ar -> runs.remove(channelId, run));
    return run;
  }

  private Future<Void> createGroupNow(UUID channelId) {
    return states.refreshMembers(channelId, null)
        .compose(this::claimAll)
        .compose(claimed -> claimed.isEmpty() ? Future.succeededFuture() : states.create(channelId)
            .compose(v -> outbound.commit(channelId, s -> s.epoch() != 0 ? null
                : s.add(claimed.stream().map(KeyDirectoryApi.ClaimedKeyPackage::keyPackage).toList())))
            // Lost the race for the first commit: the local group was dropped when the winner's commit was applied.
            .recover(err -> states.has(channelId) ? Future.failedFuture(err) : Future.succeededFuture())
            .compose(v -> states.has(channelId) ? Future.succeededFuture() : joinExisting(channelId)));
  }

  /** A Welcome if one waits, else an external join if the channel has a group. */
  private Future<Void> joinExisting(UUID channelId) {
    return joinFromWelcomes(channelId).compose(v -> states.has(channelId) ? Future.succeededFuture()
        : mls.groupInfo(channelId, 0).compose(g -> g == null ? Future.succeededFuture() : joinExternally(channelId, 1)));
  }

  /** Commits the Adds of {@code userId}'s devices that are not in the group yet (after the REST add). */
  Future<Void> addUser(UUID channelId, UUID userId) {
    return ensureSession(channelId)
        .compose(v -> states.refreshMembers(channelId, userId))
        .compose(members -> claimAll(List.of(userId)))
        .compose(claimed -> outbound.commit(channelId, s -> {
          List<byte[]> fresh = claimed.stream().filter(c -> !s.members().contains(c.deviceId()))
              .map(KeyDirectoryApi.ClaimedKeyPackage::keyPackage).toList();
          return fresh.isEmpty() ? null : s.add(fresh);
        }));
  }

  /** Commits the removal of every leaf whose device is not an active device of a current member. */
  Future<Void> removeStrays(UUID channelId) {
    if (!states.has(channelId)) {
      return Future.succeededFuture();
    }
    return states.refreshMembers(channelId, null).compose(members -> outbound.commit(channelId, s -> {
      List<UUID> strays = states.strayDevices(channelId, members);
      return strays.isEmpty() ? null : s.remove(strays);
    }));
  }

  /** A session from a Welcome, or by external join, or — for a channel without a group — a new group if possible. */
  Future<Void> trySession(UUID channelId) {
    if (states.has(channelId)) {
      return Future.succeededFuture();
    }
    return joinFromWelcomes(channelId).compose(v -> states.has(channelId) ? Future.succeededFuture()
        : mls.groupInfo(channelId, 0).compose(group -> group == null ? createGroup(channelId) : joinExternally(channelId, 1)));
  }

  /** Before sending: {@link #trySession}, failing clearly when the channel cannot have a group yet. */
  Future<Void> ensureSession(UUID channelId) {
    return trySession(channelId).compose(v -> states.has(channelId) ? Future.succeededFuture()
        : Future.failedFuture(new IllegalStateException("channel " + channelId + " has no MLS group yet: no other "
            + "member device has published KeyPackages (it is created when one connects)")));
  }

  /**
   * At connect: every Welcome in the inbox, then for each channel still without a session an external join (in the
   * channel's chain, after any Welcome queued there) or, for a channel nobody made a group for yet, a new group.
   */
  Future<Void> joinAll() {
    return mls.welcomes().compose(welcomes -> {
      List<Future<Void>> joins = new ArrayList<>();
      welcomes.forEach(w -> joins.add(inbound.enqueue(w.channelId(), () -> join(w))));
      return Future.join(joins);
    }).compose(v -> mls.channels()).compose(channels -> {
      List<Future<Void>> joins = new ArrayList<>();
      // createGroup waits for its own commit to come back through the channel's chain: never run it inside it.
      channels.stream().filter(c -> !states.has(c)).forEach(c -> joins.add(mls.groupInfo(c, 0).compose(g -> g == null
          ? createGroup(c)
          : inbound.enqueue(c, () -> states.has(c) ? Future.succeededFuture() : joinExternally(c, 1)))));
      return Future.join(joins);
    }).mapEmpty();
  }

  /** A live {@code welcome} frame: joined in the channel's order, before the messages that follow it. */
  void onWelcome(MlsApi.Welcome welcome) {
    inbound.enqueue(welcome.channelId(), () -> join(welcome));
  }

  /** Joins from the inbox's Welcomes for the channel; concurrent callers (sends, the receive chain) share one run. */
  private Future<Void> joinFromWelcomes(UUID channelId) {
    return once(joining, channelId, () -> listAndJoin(channelId));
  }

  private Future<Void> listAndJoin(UUID channelId) {
    return mls.welcomes().compose(welcomes -> {
      Future<Void> chain = Future.succeededFuture();
      for (MlsApi.Welcome w : welcomes) {
        if (w.channelId().equals(channelId)) {
          chain = chain.compose(v -> join(w));
        }
      }
      return chain;
    });
  }

  private Future<Void> join(MlsApi.Welcome w) {
    if (states.epoch(w.channelId()) >= w.epoch()) {
      return mls.deleteWelcome(w.welcomeId());
    }
    return mls.groupInfo(w.channelId(), w.epoch())
        .compose(group -> states.refreshMembers(w.channelId(), null)
            .compose(m -> states.joinFromWelcome(w.channelId(), w.welcome(), group.ratchetTree())))
        .compose(v -> trackFrom(w.channelId(), w.seq()))
        .recover(err -> {
          LOG.warn("device {}: Welcome to channel {} not usable: {}", device.deviceId(), w.channelId(), err.toString());
          return Future.succeededFuture();
        })
        .compose(v -> mls.deleteWelcome(w.welcomeId()));
  }

  /** Joins by external commit from the stored GroupInfo; a stale one (another commit came first) is fetched again. */
  private Future<Void> joinExternally(UUID channelId, int attempt) {
    return mls.groupInfo(channelId, 0).compose(group -> states.refreshMembers(channelId, null)
        .compose(m -> states.joinExternally(channelId, group.groupInfo(), group.ratchetTree()))
        .compose(join -> trackFrom(channelId, group.seq()).map(join)))
        .compose(built -> outbound.sendCommit(channelId, "x-" + UUID.randomUUID(), built.join().commit(), null,
                built.groupInfo(), built.ratchetTree())
            .compose(ack -> states.joined(built.join()))
            .recover(err -> states.forget(channelId).compose(v -> err instanceof SendRefused r
                && "stale_epoch".equals(r.code()) && attempt < E2eeOutbound.ATTEMPTS
                ? joinExternally(channelId, attempt + 1) : Future.failedFuture(err))));
  }

  /** Starts reading the channel right after {@code seq} (what came before is not readable by this device anyway). */
  private Future<Void> trackFrom(UUID channelId, long seq) {
    if (inbox.tracks(channelId)) {
      return Future.succeededFuture();
    }
    return inbox.messageAt(channelId, seq).map(m -> {
      if (m != null) {
        inbox.trackIfAbsent(channelId, m.seq(), m.hash());
      }
      return null;
    });
  }

  private Future<List<KeyDirectoryApi.ClaimedKeyPackage>> claimAll(Collection<UUID> users) {
    List<Future<List<KeyDirectoryApi.ClaimedKeyPackage>>> claims = users.stream()
        .map(u -> keysApi.claim(token, u)).toList();
    return Future.all(claims).map(all -> {
      List<KeyDirectoryApi.ClaimedKeyPackage> out = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        List<KeyDirectoryApi.ClaimedKeyPackage> one = all.resultAt(i);
        one.stream().filter(c -> !c.deviceId().equals(device.deviceId())).forEach(out::add);
      }
      return out;
    });
  }
}
