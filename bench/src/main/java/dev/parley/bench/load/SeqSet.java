package dev.parley.bench.load;

import io.vertx.core.json.JsonArray;

import java.util.Map;
import java.util.TreeMap;

/**
 * A set of channel sequence numbers kept as disjoint ranges, so the usual case (a gapless run of seqs) costs one
 * entry whatever its length. Travels between processes as {@code [[from,to],...]} (inclusive). Not thread-safe.
 */
public final class SeqSet {
  /** start → end (inclusive); ranges never touch or overlap. */
  private final TreeMap<Long, Long> ranges = new TreeMap<>();
  private long size;

  /** Adds {@code seq}; false when it was already present. */
  public boolean add(long seq) {
    Map.Entry<Long, Long> below = ranges.floorEntry(seq);
    if (below != null && below.getValue() >= seq) {
      return false;
    }
    boolean joinsBelow = below != null && below.getValue() == seq - 1;
    Long aboveEnd = ranges.get(seq + 1);
    if (joinsBelow && aboveEnd != null) {
      ranges.remove(seq + 1);
      ranges.put(below.getKey(), aboveEnd);
    } else if (joinsBelow) {
      ranges.put(below.getKey(), seq);
    } else if (aboveEnd != null) {
      ranges.remove(seq + 1);
      ranges.put(seq, aboveEnd);
    } else {
      ranges.put(seq, seq);
    }
    size++;
    return true;
  }

  public void addAll(SeqSet other) {
    other.ranges.forEach((from, to) -> {
      for (long s = from; s <= to; s++) {
        add(s);
      }
    });
  }

  public boolean contains(long seq) {
    Map.Entry<Long, Long> below = ranges.floorEntry(seq);
    return below != null && below.getValue() >= seq;
  }

  public long size() {
    return size;
  }

  /** How many of this set's seqs are also in {@code other}. */
  public long countIn(SeqSet other) {
    long n = 0;
    for (Map.Entry<Long, Long> r : ranges.entrySet()) {
      long from = r.getKey();
      long to = r.getValue();
      // Walk the other set's ranges that overlap [from, to].
      Map.Entry<Long, Long> o = other.ranges.floorEntry(from);
      if (o == null) {
        o = other.ranges.ceilingEntry(from);
      }
      while (o != null && o.getKey() <= to) {
        long lo = Math.max(from, o.getKey());
        long hi = Math.min(to, o.getValue());
        if (hi >= lo) {
          n += hi - lo + 1;
        }
        o = other.ranges.higherEntry(o.getKey());
      }
    }
    return n;
  }

  public int rangeCount() {
    return ranges.size();
  }

  public JsonArray toJson() {
    JsonArray out = new JsonArray();
    ranges.forEach((from, to) -> out.add(new JsonArray().add(from).add(to)));
    return out;
  }

  public static SeqSet fromJson(JsonArray json) {
    SeqSet set = new SeqSet();
    if (json == null) {
      return set;
    }
    for (int i = 0; i < json.size(); i++) {
      JsonArray r = json.getJsonArray(i);
      long from = r.getLong(0);
      long to = r.getLong(1);
      set.addRange(from, to);
    }
    return set;
  }

  private void addRange(long from, long to) {
    for (long s = from; s <= to; s++) {
      add(s);
    }
  }

  @Override
  public String toString() {
    return toJson().encode();
  }
}
