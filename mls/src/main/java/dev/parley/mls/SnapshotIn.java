package dev.parley.mls;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.mls.crypto.Secret;

/** Reader matching {@link SnapshotOut}; any inconsistency is {@link MlsException.Reason#BAD_SNAPSHOT}. */
final class SnapshotIn {

  /** No single field of a snapshot is larger (a 1,000-leaf tree is a few hundred KiB). */
  private static final int MAX_FIELD = 64 << 20;

  private final byte[] data;
  private final DataInputStream in;

  SnapshotIn(byte[] data) {
    this.data = data;
    this.in = new DataInputStream(new ByteArrayInputStream(data));
  }

  int int32() {
    try {
      return in.readInt();
    } catch (IOException e) {
      throw truncated(e);
    }
  }

  long int64() {
    try {
      return in.readLong();
    } catch (IOException e) {
      throw truncated(e);
    }
  }

  boolean bool() {
    try {
      return in.readBoolean();
    } catch (IOException e) {
      throw truncated(e);
    }
  }

  byte[] bytes() {
    int length = int32();
    if (length == -1) {
      return null;
    }
    if (length < 0 || length > MAX_FIELD) {
      throw bad("field length " + length);
    }
    byte[] value = new byte[length];
    try {
      in.readFully(value);
    } catch (IOException e) {
      throw truncated(e);
    }
    return value;
  }

  byte[] requiredBytes() {
    byte[] value = bytes();
    if (value == null) {
      throw bad("missing field");
    }
    return value;
  }

  String text() {
    return new String(requiredBytes(), StandardCharsets.UTF_8);
  }

  /** A count of following items, bounded so a corrupt snapshot cannot ask for a huge allocation. */
  int count() {
    int count = int32();
    if (count < 0 || count > data.length) {
      throw bad("item count " + count);
    }
    return count;
  }

  Secret secret() {
    int kind = int32();
    return switch (kind) {
      case 0 -> null;
      case 1 -> new Secret(null);
      case 2 -> new Secret(requiredBytes());
      default -> throw bad("secret kind " + kind);
    };
  }

  AsymmetricCipherKeyPair hpkeKeys() {
    if (!bool()) {
      return null;
    }
    byte[] privateKey = requiredBytes();
    byte[] publicKey = requiredBytes();
    try {
      return MlsSuite.get().getHPKE().deserializePrivateKey(privateKey, publicKey);
    } catch (RuntimeException e) {
      throw bad("not an X25519 key pair");
    }
  }

  void end() {
    try {
      if (in.available() != 0) {
        throw bad("trailing bytes");
      }
    } catch (IOException e) {
      throw truncated(e);
    }
  }

  static MlsException bad(String detail) {
    return new MlsException(MlsException.Reason.BAD_SNAPSHOT, "corrupt MLS snapshot: " + detail);
  }

  private static MlsException truncated(IOException e) {
    return new MlsException(MlsException.Reason.BAD_SNAPSHOT, "corrupt MLS snapshot: truncated", e);
  }
}
