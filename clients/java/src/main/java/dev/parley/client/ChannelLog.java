package dev.parley.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One channel as this device has verified it: the last seq and hash. Messages arriving out of order wait in a
 * buffer until the gap before them is filled (from history); duplicates are dropped; every message accepted must
 * chain onto the previous hash, else a {@link ChainViolation}. A message at a seq already accepted (or waiting)
 * with a different hash is a <em>fork</em> — the server handed one seq to two messages — and is a
 * {@link ChainViolation} too, never silently dropped as a duplicate; the hashes of the last {@link #REMEMBERED}
 * accepted seqs are kept for that check. Not thread-safe (the client's context only).
 */
final class ChannelLog {
  static final int REMEMBERED = 4_096;

  private final UUID channelId;
  private long lastSeq;
  private byte[] lastHash;
  private final TreeMap<Long, Message> waiting = new TreeMap<>();
  private final TreeMap<Long, byte[]> accepted = new TreeMap<>();

  ChannelLog(UUID channelId, long lastSeq, byte[] lastHash) {
    this.channelId = channelId;
    this.lastSeq = lastSeq;
    this.lastHash = lastHash.clone();
    if (lastSeq > 0) {
      accepted.put(lastSeq, this.lastHash);
    }
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
      byte[] known = accepted.get(m.seq());
      if (known != null && !Arrays.equals(known, m.hash())) {
        throw fork(m.seq());
      }
      return List.of();
    }
    Message queued = waiting.putIfAbsent(m.seq(), m);
    if (queued != null && !Arrays.equals(queued.hash(), m.hash())) {
      throw fork(m.seq());
    }
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
      accepted.put(lastSeq, lastHash);
      if (accepted.size() > REMEMBERED) {
        accepted.pollFirstEntry();
      }
      ready.add(next);
    }
    return ready;
  }

  private ChainViolation fork(long seq) {
    return new ChainViolation("channel " + channelId + " seq " + seq + ": fork — a second message with a different "
        + "hash under a seq already received");
  }
}
