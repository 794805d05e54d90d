package dev.parley.mls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.bouncycastle.mls.TreeKEM.LifeTime;
import org.bouncycastle.mls.codec.MLSInputStream;
import org.bouncycastle.mls.codec.MLSOutputStream;

/**
 * KeyPackage lifetimes (RFC 9420 §7.2: {@code not_before}, {@code not_after}, uint64 seconds since the epoch).
 * BC 1.84's {@code LifeTime} can only be built as "forever" or decoded from the wire and has no getters, so both
 * directions go through the wire encoding.
 */
final class Lifetimes {

  private Lifetimes() {
  }

  static LifeTime of(long notBeforeSeconds, long notAfterSeconds) {
    byte[] wire = ByteBuffer.allocate(16).putLong(notBeforeSeconds).putLong(notAfterSeconds).array();
    try {
      return new LifeTime(new MLSInputStream(wire));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code {not_before, not_after}}; values above 2^63-1 read as {@link Long#MAX_VALUE}. */
  static long[] window(LifeTime lifeTime) {
    try {
      ByteBuffer wire = ByteBuffer.wrap(MLSOutputStream.encode(lifeTime));
      return new long[] {unsigned(wire.getLong()), unsigned(wire.getLong())};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long unsigned(long value) {
    return value < 0 ? Long.MAX_VALUE : value;
  }
}
