package dev.parley.push;

import io.vertx.kafka.client.common.TopicPartition;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Which offsets of each partition may be committed: jobs finish out of order (coalescing windows, retries), but a
 * partition's committed offset only moves past a contiguous run of finished jobs, so a crash never skips an
 * unfinished one. Event-loop confined.
 */
public final class OffsetTracker {
  private static final class Entry {
    final long offset;
    boolean done;

    Entry(long offset) {
      this.offset = offset;
    }
  }

  private final Map<TopicPartition, Deque<Entry>> pending = new HashMap<>();
  private final Map<TopicPartition, Map<Long, Entry>> index = new HashMap<>();

  public void add(TopicPartition tp, long offset) {
    Entry e = new Entry(offset);
    pending.computeIfAbsent(tp, k -> new ArrayDeque<>()).addLast(e);
    index.computeIfAbsent(tp, k -> new HashMap<>()).put(offset, e);
  }

  /**
   * Marks a job finished; returns the offset to commit for its partition (the next offset to read), or -1 when the
   * oldest unfinished job is still ahead of it.
   */
  public long done(TopicPartition tp, long offset) {
    Map<Long, Entry> byOffset = index.get(tp);
    Entry e = byOffset == null ? null : byOffset.remove(offset);
    if (e == null) {
      return -1; // the partition was revoked meanwhile: its new owner replays it
    }
    e.done = true;
    Deque<Entry> queue = pending.get(tp);
    long commit = -1;
    while (!queue.isEmpty() && queue.peekFirst().done) {
      commit = queue.pollFirst().offset + 1;
    }
    return commit;
  }

  /** Forgets revoked partitions: their unfinished jobs are replayed by the next owner. */
  public void forget(Collection<TopicPartition> partitions) {
    partitions.forEach(tp -> {
      pending.remove(tp);
      index.remove(tp);
    });
  }

  public int unfinished() {
    return index.values().stream().mapToInt(Map::size).sum();
  }
}
