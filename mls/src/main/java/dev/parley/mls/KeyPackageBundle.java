package dev.parley.mls;

import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.mls.codec.KeyPackage;

/**
 * A KeyPackage this device made, with the private keys that go with it. {@link #message()} is what is uploaded to
 * the key directory (an MLSMessage of wire format {@code mls_key_package}); the private halves stay on the device
 * until a Welcome consumes the package (one-time) or for as long as it is published (last resort).
 *
 * @param ref         the KeyPackageRef (RFC 9420 §5.2), how Welcomes and the directory name the package
 * @param lastResort  the package the directory hands out when the one-time stock is empty; it may be used again
 */
public record KeyPackageBundle(byte[] ref, byte[] message, KeyPackage keyPackage, AsymmetricCipherKeyPair initKeys,
                               AsymmetricCipherKeyPair leafKeys, boolean lastResort) {
}
