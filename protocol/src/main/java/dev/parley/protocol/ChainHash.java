package dev.parley.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * The hash chain of a channel's history (docs/protocol.md, "Hash chain"). For the message with sequence number
 * {@code seq}:
 * <pre>
 *   hash(seq) = SHA-256( hash(seq-1) || int64(seq) || int64(msgId) || uuid(senderUser) || uuid(senderDevice)
 *                        || uint8(len(kind)) || utf8(kind) || SHA-256(payload) )
 * </pre>
 * with {@code hash(0)} = 32 zero bytes, integers big-endian and UUIDs as their 16 bytes (most significant half
 * first). A client that holds hash(n) and receives messages n+1..m can check that nothing was dropped, reordered
 * or forked. The one implementation of the chain: the message role computes it and the client library checks it
 * with this class (both depend on the protocol module), so the side that writes the chain and the side that checks
 * it cannot drift apart.
 * Tested against a vector computed independently (ChainHashTest).
 */
public final class ChainHash {
  public static final int LENGTH = 32;
  private static final byte[] GENESIS = new byte[LENGTH];

  private ChainHash() {
  }

  public static byte[] genesis() {
    return GENESIS.clone();
  }

  public static byte[] next(byte[] previous, long seq, long msgId, UUID senderUser, UUID senderDevice, String kind,
                            byte[] payload) {
    if (previous.length != LENGTH) {
      throw new IllegalArgumentException("previous hash must be 32 bytes");
    }
    byte[] kindBytes = kind.getBytes(StandardCharsets.UTF_8);
    if (kindBytes.length > 255) {
      throw new IllegalArgumentException("kind longer than 255 bytes");
    }
    MessageDigest sha = sha256();
    ByteBuffer fixed = ByteBuffer.allocate(LENGTH + 8 + 8 + 16 + 16 + 1);
    fixed.put(previous).putLong(seq).putLong(msgId)
        .putLong(senderUser.getMostSignificantBits()).putLong(senderUser.getLeastSignificantBits())
        .putLong(senderDevice.getMostSignificantBits()).putLong(senderDevice.getLeastSignificantBits())
        .put((byte) kindBytes.length);
    sha.update(fixed.array());
    sha.update(kindBytes);
    sha.update(sha256().digest(payload));
    return sha.digest();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
    }
  }
}
