package dev.parley.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One channel as this device has verified it: the last seq and hash. Messages arriving out of order wait in a
 * buffer until the gap before them is filled (from history); duplicates are dropped; every message accepted must
 * chain onto the previous hash, else a {@link ChainViolation}. Not thread-safe (the client's context only).
 */
final class ChannelLog {
  private final UUID channelId;
  private long lastSeq;
  private byte[] lastHash;
  private final TreeMap<Long, Message> waiting = new TreeMap<>();

  ChannelLog(UUID channelId, long lastSeq, byte[] lastHash) {
    this.channelId = channelId;
    this.lastSeq = lastSeq;
    this.lastHash = lastHash.clone();
  }

  UUID channelId() {
    return channelId;
  }

  long lastSeq() {
    return lastSeq;
  }

  /** The seq of the first message waiting behind a gap, or 0 when nothing waits. */
  long firstWaiting() {
    return waiting.isEmpty() ? 0 : waiting.firstKey();
  }

  /**
   * Offers a message; returns the messages that became deliverable, in order (possibly none: a duplicate, or a
   * message waiting behind a gap).
   */
  List<Message> offer(Message m) {
    if (m.seq() <= lastSeq) {
      return List.of();
    }
    waiting.putIfAbsent(m.seq(), m);
    List<Message> ready = new ArrayList<>();
    while (!waiting.isEmpty() && waiting.firstKey() == lastSeq + 1) {
      Message next = waiting.pollFirstEntry().getValue();
      byte[] expected = next.expectedHash(lastHash);
      if (!Arrays.equals(expected, next.hash())) {
        throw new ChainViolation("channel " + channelId + " seq " + next.seq() + ": hash does not chain onto seq "
            + lastSeq);
      }
      lastSeq = next.seq();
      lastHash = next.hash();
      ready.add(next);
    }
    return ready;
  }
}
