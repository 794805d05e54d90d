package dev.parley.bench.load;

import java.nio.ByteBuffer;

/**
 * The bytes a load-generator message carries (opaque to the server, like ciphertext): the intended send time (the
 * open-loop schedule's, in epoch µs: latency is measured from it, so a stalled sender cannot hide queueing —
 * no coordinated omission), the actual send time, the sender's index and the message's number, then zero padding
 * up to the configured size.
 */
public final class Payloads {
  public static final int HEADER = 8 + 8 + 4 + 4;
  private static final int MAGIC = 0x50424c47; // "PBLG"

  /** What a receiver reads back. */
  public record Stamp(long intendedMicros, long sentMicros, int sender, int number) {
  }

  private Payloads() {
  }

  public static byte[] encode(int size, long intendedMicros, long sentMicros, int sender, int number) {
    ByteBuffer b = ByteBuffer.allocate(Math.max(size, HEADER + 4));
    b.putLong(intendedMicros).putLong(sentMicros).putInt(sender).putInt(number).putInt(MAGIC);
    return b.array();
  }

  /** The stamp, or null when the payload is not one of ours (another client's message). */
  public static Stamp decode(byte[] payload) {
    if (payload == null || payload.length < HEADER + 4) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(payload);
    Stamp s = new Stamp(b.getLong(), b.getLong(), b.getInt(), b.getInt());
    return b.getInt() == MAGIC ? s : null;
  }
}
