package dev.parley.mls;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The append-only, hash-chained log of a user's device-key changes, as the key directory serves it and clients check
 * it: entry n's hash is SHA-256 over the previous entry's hash (32 zero bytes before the first), n, the device id,
 * the action and the key, so a server that rewrites history (drops a device it once showed, swaps a key) breaks the
 * chain a client already holds. Byte layout of the hashed input:
 * {@code prev(32) | seq(int64 BE) | device msb(int64) | device lsb(int64) | action(1: added, 2: removed) | key}.
 */
public final class DeviceKeyLog {

  /** What happened to a device's key. */
  public enum Action { ADDED, REMOVED }

  /** One log entry. */
  public record Entry(long seq, UUID deviceId, Action action, byte[] signatureKey, byte[] hash) {
  }

  public static final byte[] GENESIS = new byte[32];

  private DeviceKeyLog() {
  }

  public static byte[] hash(byte[] previous, long seq, UUID deviceId, Action action, byte[] signatureKey) {
    ByteBuffer input = ByteBuffer.allocate(32 + 8 + 16 + 1 + signatureKey.length);
    input.put(previous).putLong(seq).putLong(deviceId.getMostSignificantBits())
        .putLong(deviceId.getLeastSignificantBits()).put((byte) (action.ordinal() + 1)).put(signatureKey);
    try {
      return MessageDigest.getInstance("SHA-256").digest(input.array());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /**
   * Checks that {@code entries} (seq 1, 2, … in order) chain from {@code previous} (GENESIS, or the hash of the last
   * entry the client already holds at {@code seq - 1}); refuses the first entry that does not.
   */
  public static void verify(byte[] previous, List<Entry> entries) {
    byte[] prev = previous;
    long expectedSeq = -1;
    for (Entry entry : entries) {
      if (expectedSeq >= 0 && entry.seq() != expectedSeq) {
        throw new MlsException(MlsException.Reason.REJECTED, "device-key log skips to seq " + entry.seq());
      }
      if (!Arrays.equals(hash(prev, entry.seq(), entry.deviceId(), entry.action(), entry.signatureKey()),
          entry.hash())) {
        throw new MlsException(MlsException.Reason.REJECTED, "device-key log broken at seq " + entry.seq());
      }
      prev = entry.hash();
      expectedSeq = entry.seq() + 1;
    }
  }
}
