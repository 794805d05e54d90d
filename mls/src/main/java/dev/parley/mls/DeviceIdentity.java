package dev.parley.mls;

import java.util.Arrays;
import java.util.UUID;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.mls.crypto.MlsCipherSuite;

/**
 * A device's long-term MLS identity: its id and its Ed25519 signature key pair. The public key is registered with
 * the device in the server's key directory; every leaf this device occupies carries it. The private key never
 * leaves the device (it is part of the device's state snapshot only).
 */
public final class DeviceIdentity {

  private final UUID deviceId;
  private final AsymmetricCipherKeyPair signatureKeys;

  private DeviceIdentity(UUID deviceId, AsymmetricCipherKeyPair signatureKeys) {
    this.deviceId = deviceId;
    this.signatureKeys = signatureKeys;
  }

  /** A fresh identity with a new Ed25519 key pair from BC's default secure random source. */
  public static DeviceIdentity generate(UUID deviceId) {
    return new DeviceIdentity(deviceId, MlsSuite.get().generateSignatureKeyPair());
  }

  /** The identity whose private key is {@code privateKey} (as {@link #privateKey()} returned it). */
  public static DeviceIdentity restore(UUID deviceId, byte[] privateKey) {
    try {
      return new DeviceIdentity(deviceId, MlsSuite.get().deserializeSignaturePrivateKey(privateKey));
    } catch (RuntimeException e) {
      throw new MlsException(MlsException.Reason.BAD_SNAPSHOT, "not an Ed25519 private key", e);
    }
  }

  public UUID deviceId() {
    return deviceId;
  }

  /** The 32-byte Ed25519 public key, as MLS encodes it (what the key directory stores). */
  public byte[] signaturePublicKey() {
    return suite().serializeSignaturePublicKey(signatureKeys.getPublic());
  }

  /** The private key, MLS-encoded; for the device's own state snapshot only. */
  public byte[] privateKey() {
    return suite().serializeSignaturePrivateKey(signatureKeys.getPrivate());
  }

  AsymmetricCipherKeyPair signatureKeys() {
    return signatureKeys;
  }

  /** Whether {@code key} is this identity's public key. */
  public boolean owns(byte[] key) {
    return Arrays.equals(signaturePublicKey(), key);
  }

  private static MlsCipherSuite suite() {
    return MlsSuite.get();
  }
}
