package dev.parley.mls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.mls.TreeKEM.LeafNode;
import org.bouncycastle.mls.codec.Capabilities;
import org.bouncycastle.mls.codec.KeyPackage;
import org.bouncycastle.mls.codec.MLSMessage;
import org.bouncycastle.mls.codec.MLSOutputStream;
import org.bouncycastle.mls.crypto.MlsCipherSuite;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("KeyPackageCheck: what the key directory accepts on upload and a committer before adding")
class KeyPackageCheckTest {

  private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
  private final DeviceIdentity device = DeviceIdentity.generate(UUID.randomUUID());
  private final KeyPackages packages = new KeyPackages(clock, Duration.ofDays(30));

  @Test
  @DisplayName("a fresh package of the device passes, with its ref and lifetime")
  void freshPackagePasses() {
    KeyPackageBundle bundle = packages.oneTime(device, 1).get(0);
    KeyPackageCheck.Checked checked = check(bundle.message(), NOW);
    assertThat(checked.ref()).isEqualTo(bundle.ref());
    assertThat(checked.notBeforeSeconds()).isEqualTo(NOW.getEpochSecond() - KeyPackages.BACKDATE.toSeconds());
    assertThat(checked.notAfterSeconds()).isEqualTo(NOW.plus(Duration.ofDays(30)).getEpochSecond());
    assertThat(packages.lastResort(device).lastResort()).isTrue();
  }

  @Test
  @DisplayName("expired, not-yet-valid and over-long lifetimes are refused")
  void lifetimes() {
    byte[] message = packages.oneTime(device, 1).get(0).message();
    assertReason(() -> check(message, NOW.plus(Duration.ofDays(31))), MlsException.Reason.BAD_LIFETIME);
    assertReason(() -> check(message, NOW.minus(Duration.ofHours(1))), MlsException.Reason.BAD_LIFETIME);
    long now = NOW.getEpochSecond();
    byte[] overLong = build(MlsSuite.get(), now, now + Duration.ofDays(365).toSeconds());
    assertReason(() -> check(overLong, NOW), MlsException.Reason.BAD_LIFETIME);
    byte[] backwards = build(MlsSuite.get(), now + 10, now);
    assertReason(() -> check(backwards, NOW), MlsException.Reason.BAD_LIFETIME);
    assertThatThrownBy(() -> new KeyPackages(clock, Duration.ofDays(91))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("another cipher suite is refused")
  void otherSuite() throws Exception {
    long now = NOW.getEpochSecond();
    MlsCipherSuite chacha = MlsCipherSuite.getSuite(MlsCipherSuite.MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519);
    assertReason(() -> check(build(chacha, now, now + 3600), NOW), MlsException.Reason.WRONG_SUITE);
  }

  @Test
  @DisplayName("a package naming another device, or signed by an unregistered key, is refused")
  void ownership() {
    byte[] message = packages.oneTime(device, 1).get(0).message();
    KeyPackageCheck check = new KeyPackageCheck(clock);
    assertReason(() -> check.check(message, UUID.randomUUID(), device.signaturePublicKey()),
        MlsException.Reason.BAD_CREDENTIAL);
    byte[] otherKey = DeviceIdentity.generate(device.deviceId()).signaturePublicKey();
    assertReason(() -> check.check(message, device.deviceId(), otherKey), MlsException.Reason.KEY_MISMATCH);
  }

  @Test
  @DisplayName("a tampered signature, trailing bytes and other wire formats are refused")
  void tamperingAndEncoding() {
    byte[] message = packages.oneTime(device, 1).get(0).message();
    byte[] tampered = message.clone();
    tampered[tampered.length - 1] ^= 1;
    assertReason(() -> check(tampered, NOW), MlsException.Reason.REJECTED);
    assertReason(() -> check(Arrays.copyOf(message, message.length + 1), NOW), MlsException.Reason.MALFORMED);
    assertReason(() -> check(Arrays.copyOf(message, message.length - 3), NOW), MlsException.Reason.MALFORMED);
    assertReason(() -> check(new byte[0], NOW), MlsException.Reason.MALFORMED);
  }

  private KeyPackageCheck.Checked check(byte[] message, Instant at) {
    return new KeyPackageCheck(Clock.fixed(at, ZoneOffset.UTC)).check(message, device.deviceId(),
        device.signaturePublicKey());
  }

  /** A package with a lifetime KeyPackages would never make, built from BC's parts. */
  private byte[] build(MlsCipherSuite suite, long notBefore, long notAfter) {
    try {
      AsymmetricCipherKeyPair init = suite.getHPKE().generatePrivateKey();
      AsymmetricCipherKeyPair leafKeys = suite.getHPKE().generatePrivateKey();
      LeafNode leaf = new LeafNode(suite, suite.getHPKE().serializePublicKey(leafKeys.getPublic()),
          device.signaturePublicKey(), DeviceCredentials.forDevice(device.deviceId()), new Capabilities(),
          Lifetimes.of(notBefore, notAfter), List.of(), device.privateKey());
      KeyPackage keyPackage = new KeyPackage(suite, suite.getHPKE().serializePublicKey(init.getPublic()), leaf,
          new ArrayList<>(), device.privateKey());
      return MLSOutputStream.encode(MLSMessage.keyPackage(keyPackage));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void assertReason(Runnable action, MlsException.Reason reason) {
    assertThatThrownBy(action::run)
        .isInstanceOfSatisfying(MlsException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }
}
