package dev.parley.client.e2ee;

import dev.parley.mls.DeviceIdentity;
import dev.parley.mls.MlsDevice;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.ext.web.client.WebClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * One device's end-to-end encryption state, opened from its {@link StateDir}: the MLS device (created and registered
 * on first start, restored afterwards), its channel sessions, the peers' verified keys and the KeyPackage stock.
 * Everything that touches MLS state or the disk runs through one {@link Serial} queue.
 */
public final class E2eeDevice {
  private static final Logger LOG = LoggerFactory.getLogger(E2eeDevice.class);
  /** How long an uploaded KeyPackage stays claimable (the directory accepts at most 90 days). */
  static final Duration KEY_PACKAGE_LIFETIME = Duration.ofDays(30);

  /** Where and as whom. */
  public record Options(Path stateDir, String restBaseUrl, UUID userId, UUID deviceId, String accessToken) {
  }

  final Options options;
  final Serial serial;
  final StateDir state;
  final KeyDirectoryApi api;
  final PeerKeys keys;
  final MlsDevice device;
  final KeyPackageStock stock;
  final ChannelStates channels;

  private E2eeDevice(Options options, Serial serial, StateDir state, KeyDirectoryApi api, PeerKeys keys,
                     MlsDevice device, MlsApi mls) {
    this.options = options;
    this.serial = serial;
    this.state = state;
    this.api = api;
    this.keys = keys;
    this.device = device;
    this.stock = new KeyPackageStock(device, api, state, serial, options.accessToken());
    this.channels = new ChannelStates(this, mls);
  }

  /**
   * Opens the device: restores it from the state directory (or creates and stores a new identity), restores every
   * stored channel session, binds the signature key on the server (idempotent) and tops up the KeyPackage stock.
   */
  public static Future<E2eeDevice> open(Context context, WebClient web, Options options, Clock clock) {
    Serial serial = new Serial(context);
    KeyDirectoryApi api = new KeyDirectoryApi(web, options.restBaseUrl());
    return serial.run(() -> {
      StateDir state = new StateDir(options.stateDir());
      PeerKeys keys = new PeerKeys(api, state, serial, options.userId());
      SecureRandom random = new SecureRandom();
      MlsDevice device = state.readDevice()
          .map(bytes -> MlsDevice.restore(bytes, keys, clock, random, KEY_PACKAGE_LIFETIME))
          .orElseGet(() -> {
            MlsDevice fresh = new MlsDevice(DeviceIdentity.generate(options.deviceId()), keys, clock, random,
                KEY_PACKAGE_LIFETIME);
            state.writeDevice(fresh.snapshot());
            return fresh;
          });
      if (!device.identity().deviceId().equals(options.deviceId())) {
        throw new IllegalStateException("the state directory " + options.stateDir() + " belongs to device "
            + device.identity().deviceId() + ", not " + options.deviceId());
      }
      return new E2eeDevice(options, serial, state, api, keys, device,
          new MlsApi(web, options.restBaseUrl(), options.accessToken()));
    }).compose(e2ee -> e2ee.restoreSessions().map(e2ee))
        .compose(e2ee -> api.registerSignatureKey(options.accessToken(), e2ee.device.identity().signaturePublicKey())
            .compose(v -> e2ee.keys.refresh(options.accessToken(), options.userId()))
            .compose(v -> e2ee.stock.replenish())
            .map(e2ee));
  }

  /** Restores every stored channel session. */
  private Future<Void> restoreSessions() {
    return serial.run(state::sessions).compose(stored -> {
      if (stored.isEmpty()) {
        return Future.succeededFuture();
      }
      // Restoring checks every leaf against the keys verified before (PeerKeys loads them from the state directory).
      return serial.run(() -> {
        for (UUID channel : stored) {
          state.readSession(channel).ifPresent(bytes -> channels.restored(device.restoreSession(bytes)));
        }
        return null;
      });
    });
  }

  /** Runs a read of MLS state in order with the device's other MLS work (consistent, off the event loop). */
  public <T> Future<T> read(java.util.concurrent.Callable<T> query) {
    return serial.run(query);
  }

  /** The channel sessions. */
  public ChannelStates channels() {
    return channels;
  }

  public UUID userId() {
    return options.userId();
  }

  public UUID deviceId() {
    return options.deviceId();
  }

  /** The verified keys of peers; listen here for key-set changes. */
  public PeerKeys keys() {
    return keys;
  }

  /** Fetches both users' key logs and answers the 60-digit number to compare with {@code peer}. */
  public Future<String> safetyNumber(UUID peer) {
    return keys.refresh(options.accessToken(), List.of(options.userId(), peer)).map(v -> keys.safetyNumber(peer));
  }

  /** Tops up the KeyPackage stock if it runs low (call on connect and on the server's low-stock notice). */
  public Future<Void> replenish() {
    return stock.replenish().onFailure(err -> LOG.warn("device {}: KeyPackage replenish failed: {}",
        options.deviceId(), err.toString())).mapEmpty();
  }
}
