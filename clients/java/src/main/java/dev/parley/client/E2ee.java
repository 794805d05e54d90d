package dev.parley.client;

import dev.parley.client.e2ee.ChannelStates;
import dev.parley.client.e2ee.E2eeDevice;
import dev.parley.client.e2ee.KeyDirectoryApi;
import dev.parley.client.e2ee.MlsApi;
import dev.parley.client.e2ee.PeerKeys;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * End-to-end encryption of a {@link ParleyClient} (docs/e2ee.md): what the application calls beyond plain sending
 * and receiving, which are transparent. Channel creation and membership changes go through here so that the MLS
 * group follows (a REST change first, then the commit). Methods may be called from any thread.
 */
public final class E2ee {
  private static final Logger LOG = LoggerFactory.getLogger(E2ee.class);

  private final Context ctx;
  private final E2eeDevice device;
  private final RestApi rest;
  private final String token;
  final E2eeInbound inbound;
  final E2eeOutbound outbound;
  final E2eeMembership membership;

  E2ee(Vertx vertx, Context ctx, E2eeDevice device, WebClient web, String restBaseUrl, String token, Outbox outbox, Inbox inbox) {
    this.ctx = ctx;
    this.device = device;
    this.rest = new RestApi(web, restBaseUrl);
    this.token = token;
    this.inbound = new E2eeInbound(device.channels(), device.deviceId());
    this.outbound = new E2eeOutbound(vertx, device.channels(), outbox, inbox, inbound);
    this.membership = new E2eeMembership(device, new MlsApi(web, restBaseUrl, token),
        new KeyDirectoryApi(web, restBaseUrl), token, outbound, inbound, inbox);
  }

  /** Opens the device's E2EE state (docs/e2ee.md, "The Java client": restore or create, register, top up). */
  static Future<E2ee> open(Vertx vertx, Context ctx, WebClient web, ParleyClient.Options options, java.nio.file.Path dir,
                           Outbox outbox, Inbox inbox) {
    E2eeDevice.Options o = new E2eeDevice.Options(dir, options.restBaseUrl(), options.userId(), options.deviceId(),
        options.accessToken());
    return E2eeDevice.open(ctx, web, o, java.time.Clock.systemUTC()).map(device -> new E2ee(vertx, ctx, device, web,
        options.restBaseUrl(), options.accessToken(), outbox, inbox));
  }

  /**
   * The DM with {@code peer} (created on first use), with its MLS group — unless no device of the peer has published
   * KeyPackages yet: then the group is made when one does (see docs/e2ee.md, "The Java client").
   */
  public Future<UUID> openDirect(UUID peer) {
    return onCtx(() -> rest.directChannel(token, peer).compose(c -> membership.trySession(c).map(c)));
  }

  /** A new group with {@code memberIds} (the caller is admin), with its MLS group holding every member device. */
  public Future<UUID> createGroup(String name, List<UUID> memberIds) {
    return onCtx(() -> rest.createGroup(token, name, memberIds).compose(c -> membership.createGroup(c).map(c)));
  }

  /** Adds {@code userId} to the group and commits the Adds of their devices. */
  public Future<Void> addMember(UUID channelId, UUID userId) {
    return onCtx(() -> rest.addMember(token, channelId, userId).compose(v -> membership.addUser(channelId, userId)));
  }

  /**
   * Commits the Adds of those devices of member {@code userId} that are not in the group yet (any member may; e.g.
   * after an admin added the user over REST from another client). Racing commits of other devices are harmless: the
   * loser catches up and finds nothing left to add.
   */
  public Future<Void> addMemberDevices(UUID channelId, UUID userId) {
    return onCtx(() -> membership.addUser(channelId, userId));
  }

  /** Removes {@code userId} from the group and commits the removal of their devices' leaves. */
  public Future<Void> removeMember(UUID channelId, UUID userId) {
    return onCtx(() -> rest.removeMember(token, channelId, userId).compose(v -> membership.removeStrays(channelId)));
  }

  /** The 60-digit safety number this user and {@code peer} compare out of band (docs/e2ee.md). */
  public Future<String> safetyNumber(UUID peer) {
    return device.safetyNumber(peer);
  }

  /** Warned when a peer's set of device keys changes (a device added or removed), from their verified key log. */
  public E2ee onKeyChange(Consumer<PeerKeys.KeyChange> listener) {
    device.keys().onKeyChange(listener);
    return this;
  }

  /** This device's epoch in the channel (-1 without a session). */
  public Future<Long> epoch(UUID channelId) {
    return device.read(() -> device.channels().epoch(channelId));
  }

  /** RFC 9420 epoch authenticator of this device's current epoch in the channel: equal across devices iff in sync. */
  public Future<Optional<byte[]>> epochAuthenticator(UUID channelId) {
    return device.read(() -> device.channels().epochAuthenticator(channelId));
  }

  /** The devices in the channel's group, as this device sees it. */
  public Future<List<UUID>> groupMembers(UUID channelId) {
    return device.read(() -> device.channels().members(channelId));
  }

  /** The MLS sessions (tests and tools). */
  public ChannelStates channels() {
    return device.channels();
  }

  private <T> Future<T> onCtx(Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    ctx.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }

  /** After every {@code ready}: top up KeyPackages, process waiting Welcomes, join channels without a session. */
  void connected() {
    device.replenish();
    membership.joinAll().onFailure(err -> LOG.warn("device {}: joining channels failed: {}", device.deviceId(),
        err.toString()));
  }

  /** A frame of the E2EE protocol; false if {@code f} is not one. */
  boolean onFrame(JsonObject f) {
    switch (f.getString("type", "")) {
      case "welcome" -> membership.onWelcome(new MlsApi.Welcome(UUID.fromString(f.getString("welcomeId")),
          UUID.fromString(f.getString("channelId")), f.getLong("epoch"), f.getLong("seq"),
          Base64.getDecoder().decode(f.getString("welcome"))));
      case "mls.removal_pending" -> membership.removeStrays(UUID.fromString(f.getString("channelId")))
          .onFailure(err -> LOG.info("device {}: removal commit not made: {}", device.deviceId(), err.toString()));
      case "keypackages.low" -> device.replenish();
      default -> {
        return false;
      }
    }
    return true;
  }
}
