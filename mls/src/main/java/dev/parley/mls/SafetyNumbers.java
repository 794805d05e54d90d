package dev.parley.mls;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * Safety numbers users compare out of band to check they see the same device keys (the scheme of Signal's
 * numeric fingerprints, over all of a user's device keys): each user's half is 30 digits from an iterated SHA-512
 * of the user id and their devices' signature keys in sorted order; a pair's number is the two halves, lower first,
 * so both sides read the same 60 digits. Any device added, removed or re-keyed changes it.
 */
public final class SafetyNumbers {

  private static final int VERSION = 1;
  /** Iterations slow down a search for a colliding key set (5,200 as in Signal's fingerprints). */
  private static final int ITERATIONS = 5200;

  private SafetyNumbers() {
  }

  /** The 30-digit half of {@code userId} with the given device signature keys. */
  public static String forUser(UUID userId, Collection<byte[]> deviceKeys) {
    List<byte[]> sorted = new ArrayList<>(deviceKeys);
    sorted.sort(Arrays::compareUnsigned);
    MessageDigest sha512 = sha512();
    byte[] keys = concat(sorted);
    byte[] hash = concat(List.of(new byte[] {0, VERSION}, keys, userId.toString().getBytes(StandardCharsets.UTF_8)));
    for (int i = 0; i < ITERATIONS; i++) {
      sha512.update(hash);
      hash = sha512.digest(keys);
    }
    StringBuilder digits = new StringBuilder(30);
    for (int chunk = 0; chunk < 6; chunk++) {
      long value = 0;
      for (int b = 0; b < 5; b++) {
        value = (value << 8) | (hash[chunk * 5 + b] & 0xff);
      }
      digits.append(String.format("%05d", value % 100_000));
    }
    return digits.toString();
  }

  /** The 60 digits both users of a pair see, in 12 groups of 5. */
  public static String forPair(String oneHalf, String otherHalf) {
    String joined = oneHalf.compareTo(otherHalf) <= 0 ? oneHalf + otherHalf : otherHalf + oneHalf;
    StringBuilder grouped = new StringBuilder();
    for (int i = 0; i < joined.length(); i += 5) {
      grouped.append(i == 0 ? "" : " ").append(joined, i, i + 5);
    }
    return grouped.toString();
  }

  private static byte[] concat(List<byte[]> parts) {
    int length = parts.stream().mapToInt(p -> p.length).sum();
    byte[] out = new byte[length];
    int offset = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, offset, part.length);
      offset += part.length;
    }
    return out;
  }

  private static MessageDigest sha512() {
    try {
      return MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-512", e);
    }
  }
}
