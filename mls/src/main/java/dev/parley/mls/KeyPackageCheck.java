package dev.parley.mls;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import org.bouncycastle.mls.TreeKEM.LeafNode;
import org.bouncycastle.mls.codec.KeyPackage;
import org.bouncycastle.mls.codec.MLSMessage;
import org.bouncycastle.mls.codec.WireFormat;

/**
 * Validates a KeyPackage as the key directory must on upload and a committer must before adding it: suite 0x0001,
 * both signatures (BC), a BasicCredential naming the expected device, the device's registered signature key, init
 * key distinct from leaf key, and a lifetime that contains "now" and is no longer than {@link #MAX_LIFETIME}.
 * BC's own lifetime check reads the system clock; this one uses the injected {@link Clock}.
 */
public final class KeyPackageCheck {

  /** Longest lifetime accepted; also the longest {@link KeyPackages} makes. */
  public static final Duration MAX_LIFETIME = Duration.ofDays(90);
  /** Tolerated clock difference between the maker of a package and the checker. */
  public static final Duration CLOCK_SKEW = Duration.ofMinutes(10);

  /** A package that passed, with what the directory stores beside it. */
  public record Checked(KeyPackage keyPackage, byte[] ref, long notBeforeSeconds, long notAfterSeconds) {
  }

  private final Clock clock;

  public KeyPackageCheck(Clock clock) {
    this.clock = clock;
  }

  /**
   * @param deviceId         the device that must own the package
   * @param registeredKey    the device's signature key as the directory holds it
   */
  public Checked check(byte[] message, UUID deviceId, byte[] registeredKey) {
    MLSMessage decoded = MlsWire.decode(message, WireFormat.mls_key_package);
    KeyPackage keyPackage = decoded.keyPackage;
    if (keyPackage.getSuite().getSuiteID() != MlsSuite.ID) {
      throw new MlsException(MlsException.Reason.WRONG_SUITE, "cipher suite " + keyPackage.getSuite().getSuiteID());
    }
    LeafNode leaf = keyPackage.getLeafNode();
    UUID named = DeviceCredentials.deviceOf(leaf);
    if (!named.equals(deviceId)) {
      throw new MlsException(MlsException.Reason.BAD_CREDENTIAL, "credential names device " + named);
    }
    if (!Arrays.equals(leaf.getSignatureKey(), registeredKey)) {
      throw new MlsException(MlsException.Reason.KEY_MISMATCH, "not signed by the device's registered key");
    }
    if (!verified(keyPackage)) {
      throw new MlsException(MlsException.Reason.REJECTED, "KeyPackage signature does not verify");
    }
    if (Arrays.equals(keyPackage.getInitKey(), leaf.getEncryptionKey())) {
      throw new MlsException(MlsException.Reason.REJECTED, "init key equals leaf encryption key");
    }
    long[] window = Lifetimes.window(leaf.getLifeTime());
    checkLifetime(window[0], window[1]);
    return new Checked(keyPackage, ref(keyPackage), window[0], window[1]);
  }

  private void checkLifetime(long notBefore, long notAfter) {
    long now = clock.instant().getEpochSecond();
    long skew = CLOCK_SKEW.toSeconds();
    if (notAfter <= notBefore) {
      throw new MlsException(MlsException.Reason.BAD_LIFETIME, "lifetime ends before it starts");
    }
    if (notAfter - notBefore > MAX_LIFETIME.toSeconds() + KeyPackages.BACKDATE.toSeconds()) {
      throw new MlsException(MlsException.Reason.BAD_LIFETIME, "lifetime longer than " + MAX_LIFETIME.toDays() + " days");
    }
    if (notBefore > now + skew) {
      throw new MlsException(MlsException.Reason.BAD_LIFETIME, "lifetime has not started");
    }
    if (notAfter < now - skew) {
      throw new MlsException(MlsException.Reason.BAD_LIFETIME, "lifetime is over");
    }
  }

  private static boolean verified(KeyPackage keyPackage) {
    try {
      return keyPackage.verify();
    } catch (Exception e) {
      return false;
    }
  }

  private static byte[] ref(KeyPackage keyPackage) {
    try {
      return KeyPackages.ref(keyPackage);
    } catch (Exception e) {
      throw new MlsException(MlsException.Reason.MALFORMED, "cannot hash KeyPackage", e);
    }
  }
}
