package dev.parley.bench.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A worker's counters and latency recorders, written from every event loop (wait-free HdrHistogram
 * {@link Recorder}s, adders) and read by the worker's main thread once a second (progress) and at the end (result).
 * Latencies are µs from the intended send time.
 */
final class WorkerStats {
  final LongAdder sent = new LongAdder();
  final LongAdder acked = new LongAdder();
  final LongAdder sendFailed = new LongAdder();
  final LongAdder delivered = new LongAdder();
  final LongAdder expectedDeliveries = new LongAdder();
  final LongAdder chainViolations = new LongAdder();
  final LongAdder foreign = new LongAdder();
  final AtomicInteger connected = new AtomicInteger();
  final AtomicInteger reconnected = new AtomicInteger();
  final AtomicLong firstCloseUs = new AtomicLong(Long.MAX_VALUE);
  final AtomicLong lastReadyUs = new AtomicLong();
  final Map<String, LongAdder> frameErrors = new ConcurrentHashMap<>();
  final Map<String, LongAdder> connectFailures = new ConcurrentHashMap<>();
  final Map<String, LongAdder> closes = new ConcurrentHashMap<>();
  final Map<String, LongAdder> sendFailures = new ConcurrentHashMap<>();
  /** Every delivery, for the per-second series. */
  final Recorder series = new Recorder(Histograms.HIGHEST_MICROS, 3);
  /** Deliveries of messages whose intended send time is inside the measured window. */
  final Recorder e2e = new Recorder(Histograms.HIGHEST_MICROS, 3);
  final Recorder ack = new Recorder(Histograms.HIGHEST_MICROS, 3);
  final Recorder connect = new Recorder(Histograms.HIGHEST_MICROS, 3);
  final Recorder reconnect = new Recorder(Histograms.HIGHEST_MICROS, 3);
  /** Storm: 100 ms bucket of intended send time → latest delivery time (µs) of a message of that bucket. */
  final Map<Long, Long> syncBuckets = new ConcurrentHashMap<>();
  volatile long windowStartUs = Long.MAX_VALUE;
  volatile long windowEndUs = Long.MIN_VALUE;
  volatile boolean stopping;

  private long lastSent;
  private long lastAcked;
  private long lastDelivered;
  private long lastErrors;
  private Histogram recycled;

  static void count(Map<String, LongAdder> map, String key) {
    map.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  boolean inWindow(long intendedUs) {
    return intendedUs >= windowStartUs && intendedUs < windowEndUs;
  }

  static void record(Recorder r, long micros) {
    r.recordValue(Math.max(0, Math.min(Histograms.HIGHEST_MICROS, micros)));
  }

  long errors() {
    return sum(frameErrors) + sum(connectFailures) + sum(sendFailures) + chainViolations.sum();
  }

  static long sum(Map<String, LongAdder> m) {
    return m.values().stream().mapToLong(LongAdder::sum).sum();
  }

  static JsonObject toJson(Map<String, LongAdder> m) {
    JsonObject j = new JsonObject();
    new TreeMap<>(m).forEach((k, v) -> j.put(k, v.sum()));
    return j;
  }

  /** The last second's deltas and latency histogram (main thread only). */
  JsonObject progress(long second) {
    long s = sent.sum();
    long a = acked.sum();
    long d = delivered.sum();
    long e = errors();
    Histogram h = series.getIntervalHistogram(recycled);
    JsonObject j = new JsonObject().put("type", "progress").put("second", second).put("connected", connected.get())
        .put("sent", s - lastSent).put("acked", a - lastAcked).put("delivered", d - lastDelivered)
        .put("errors", e - lastErrors).put("totalSent", s).put("totalAcked", a).put("totalDelivered", d)
        .put("totalFailed", sendFailed.sum()).put("expectedDeliveries", expectedDeliveries.sum())
        .put("reconnected", reconnected.get()).put("hist", Histograms.encode(h));
    recycled = h;
    lastSent = s;
    lastAcked = a;
    lastDelivered = d;
    lastErrors = e;
    return j;
  }

  JsonArray buckets() {
    JsonArray out = new JsonArray();
    new TreeMap<>(syncBuckets).forEach((b, t) -> out.add(new JsonArray().add(b).add(t)));
    return out;
  }
}
