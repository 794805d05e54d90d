package dev.parley.mls;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.mls.codec.Welcome;

/**
 * The private halves of the KeyPackages this device has published. A one-time package is deleted once a Welcome
 * used it (its init key must never open a second Welcome); the last-resort package stays until replaced.
 */
final class KeyPackageStore {

  private final Map<String, KeyPackageBundle> bundles = new LinkedHashMap<>();

  void put(KeyPackageBundle bundle) {
    if (bundle.lastResort()) {
      bundles.values().removeIf(KeyPackageBundle::lastResort);
    }
    bundles.put(HexFormat.of().formatHex(bundle.ref()), bundle);
  }

  /** The package a Welcome was encrypted to. */
  KeyPackageBundle find(Welcome welcome) {
    for (KeyPackageBundle bundle : bundles.values()) {
      if (addressedTo(welcome, bundle)) {
        return bundle;
      }
    }
    throw new MlsException(MlsException.Reason.REJECTED, "Welcome is for none of this device's KeyPackages");
  }

  /** Forgets a one-time package once a Welcome to it was accepted (its init key must not open a second one). */
  void consume(KeyPackageBundle bundle) {
    if (!bundle.lastResort()) {
      bundles.remove(HexFormat.of().formatHex(bundle.ref()));
    }
  }

  private static boolean addressedTo(Welcome welcome, KeyPackageBundle bundle) {
    try {
      return welcome.find(bundle.keyPackage()) >= 0;
    } catch (IOException e) {
      throw new MlsException(MlsException.Reason.MALFORMED, "Welcome does not decode", e);
    }
  }

  List<KeyPackageBundle> all() {
    return new ArrayList<>(bundles.values());
  }

  int oneTimeCount() {
    return (int) bundles.values().stream().filter(b -> !b.lastResort()).count();
  }
}
