package dev.parley.mls;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.mls.crypto.Secret;

/** Big-endian writer of snapshot fields; nullable values carry a presence marker. */
final class SnapshotOut {

  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
  private final DataOutputStream out = new DataOutputStream(buffer);

  SnapshotOut int32(int value) {
    return run(() -> out.writeInt(value));
  }

  SnapshotOut int64(long value) {
    return run(() -> out.writeLong(value));
  }

  SnapshotOut bool(boolean value) {
    return run(() -> out.writeBoolean(value));
  }

  /** Length-prefixed bytes; null is length -1. */
  SnapshotOut bytes(byte[] value) {
    return run(() -> {
      out.writeInt(value == null ? -1 : value.length);
      if (value != null) {
        out.write(value);
      }
    });
  }

  SnapshotOut text(String value) {
    return bytes(value.getBytes(StandardCharsets.UTF_8));
  }

  /** A BC secret: absent, consumed (zeroised by BC after use), or its value. Parent links are not kept. */
  SnapshotOut secret(Secret secret) {
    if (secret == null) {
      return int32(0);
    }
    if (secret.isConsumed() || secret.value() == null) {
      return int32(1);
    }
    return int32(2).bytes(secret.value());
  }

  /** An HPKE (X25519) key pair as BC serialises it, or null. */
  SnapshotOut hpkeKeys(AsymmetricCipherKeyPair keys) {
    if (keys == null) {
      return bool(false);
    }
    return bool(true).bytes(MlsSuite.get().getHPKE().serializePrivateKey(keys.getPrivate()))
        .bytes(MlsSuite.get().getHPKE().serializePublicKey(keys.getPublic()));
  }

  byte[] toByteArray() {
    return buffer.toByteArray();
  }

  private SnapshotOut run(IoAction action) {
    try {
      action.run();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private interface IoAction {
    void run() throws IOException;
  }
}
