package dev.parley.client.e2ee;

import dev.parley.mls.KeyPackageBundle;
import dev.parley.mls.MlsDevice;
import io.vertx.core.Future;

import java.util.List;

/**
 * Keeps this device claimable: its one-time KeyPackages on the server are topped up to {@link #TARGET} whenever the
 * stock falls below {@link #LOW} (checked at every connect and whenever the server says the stock runs low), and a
 * last-resort package exists so adds still work when the stock is drained. Private halves are written to the state
 * directory <em>before</em> the upload: a Welcome to a package the device has forgotten could never be joined.
 */
final class KeyPackageStock {
  static final int TARGET = 30;
  static final int LOW = 10;

  private final MlsDevice device;
  private final KeyDirectoryApi api;
  private final StateDir state;
  private final Serial serial;
  private final String accessToken;
  private Future<KeyDirectoryApi.Stock> running;

  KeyPackageStock(MlsDevice device, KeyDirectoryApi api, StateDir state, Serial serial, String accessToken) {
    this.device = device;
    this.api = api;
    this.state = state;
    this.serial = serial;
    this.accessToken = accessToken;
  }

  /** Asks the server for the stock (an empty upload answers it) and tops it up if low. One run at a time. */
  synchronized Future<KeyDirectoryApi.Stock> replenish() {
    if (running == null) {
      running = api.uploadKeyPackages(accessToken, List.of(), null)
          .compose(stock -> stock.oneTime() < LOW || !stock.lastResort() ? topUp(stock) : Future.succeededFuture(stock))
          .eventually(this::done);
    }
    return running;
  }

  private synchronized Future<Void> done() {
    running = null;
    return Future.succeededFuture();
  }

  private Future<KeyDirectoryApi.Stock> topUp(KeyDirectoryApi.Stock stock) {
    int count = (int) Math.max(0, TARGET - stock.oneTime());
    return serial.run(() -> {
      List<byte[]> oneTime = device.newOneTimeKeyPackages(count).stream().map(KeyPackageBundle::message).toList();
      byte[] lastResort = stock.lastResort() ? null : device.newLastResortKeyPackage().message();
      state.writeDevice(device.snapshot());
      return new Batch(oneTime, lastResort);
    }).compose(batch -> api.uploadKeyPackages(accessToken, batch.oneTime(), batch.lastResort()));
  }

  private record Batch(List<byte[]> oneTime, byte[] lastResort) {
  }
}
