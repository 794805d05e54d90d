package dev.parley.mls;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.mls.TreeKEM.LeafNode;
import org.bouncycastle.mls.codec.Capabilities;
import org.bouncycastle.mls.codec.KeyPackage;
import org.bouncycastle.mls.codec.MLSMessage;
import org.bouncycastle.mls.codec.MLSOutputStream;
import org.bouncycastle.mls.crypto.MlsCipherSuite;

/**
 * Makes this device's KeyPackages: a one-time batch to upload, plus one last-resort package. Each package has fresh
 * X25519 init and leaf keys, the device's credential and signature key, and a lifetime starting a little in the
 * past (peers' clocks differ) and ending {@code lifetime} from now.
 */
public final class KeyPackages {

  /** How far before "now" a package's lifetime starts, so a peer whose clock is slightly behind accepts it. */
  static final Duration BACKDATE = Duration.ofMinutes(5);

  private final Clock clock;
  private final Duration lifetime;

  public KeyPackages(Clock clock, Duration lifetime) {
    if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(KeyPackageCheck.MAX_LIFETIME) > 0) {
      throw new IllegalArgumentException("KeyPackage lifetime must be in (0, " + KeyPackageCheck.MAX_LIFETIME + "]");
    }
    this.clock = clock;
    this.lifetime = lifetime;
  }

  /** {@code count} one-time packages. */
  public List<KeyPackageBundle> oneTime(DeviceIdentity identity, int count) {
    List<KeyPackageBundle> batch = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      batch.add(create(identity, false));
    }
    return batch;
  }

  public KeyPackageBundle lastResort(DeviceIdentity identity) {
    return create(identity, true);
  }

  KeyPackageBundle create(DeviceIdentity identity, boolean lastResort) {
    MlsCipherSuite suite = MlsSuite.get();
    long now = clock.instant().getEpochSecond();
    try {
      AsymmetricCipherKeyPair initKeys = suite.getHPKE().generatePrivateKey();
      AsymmetricCipherKeyPair leafKeys = suite.getHPKE().generatePrivateKey();
      byte[] signingKey = identity.privateKey();
      LeafNode leaf = new LeafNode(suite, suite.getHPKE().serializePublicKey(leafKeys.getPublic()),
          identity.signaturePublicKey(), DeviceCredentials.forDevice(identity.deviceId()), new Capabilities(),
          Lifetimes.of(now - BACKDATE.toSeconds(), now + lifetime.toSeconds()), List.of(), signingKey);
      KeyPackage keyPackage = new KeyPackage(suite, suite.getHPKE().serializePublicKey(initKeys.getPublic()), leaf,
          new ArrayList<>(), signingKey);
      return new KeyPackageBundle(ref(keyPackage), MLSOutputStream.encode(MLSMessage.keyPackage(keyPackage)),
          keyPackage, initKeys, leafKeys, lastResort);
    } catch (Exception e) {
      throw new IllegalStateException("could not build a KeyPackage", e);
    }
  }

  /** The KeyPackageRef: RefHash("MLS 1.0 KeyPackage Reference", KeyPackage). */
  static byte[] ref(KeyPackage keyPackage) throws IOException {
    return MlsSuite.get().refHash(MLSOutputStream.encode(keyPackage), "MLS 1.0 KeyPackage Reference");
  }
}
