package dev.parley.bench.load;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.DataFormatException;

/**
 * HdrHistogram helpers: latencies are recorded in microseconds (1 µs to 1 h, 3 significant digits) and travel
 * between processes in HdrHistogram's compressed encoding, base64.
 */
public final class Histograms {
  public static final long HIGHEST_MICROS = 3_600_000_000L;

  private Histograms() {
  }

  public static Histogram create() {
    return new Histogram(HIGHEST_MICROS, 3);
  }

  /** Records, clamping into the trackable range (a negative latency is a clock artefact: counted as 0). */
  public static void record(Histogram h, long micros) {
    h.recordValue(Math.max(0, Math.min(HIGHEST_MICROS, micros)));
  }

  public static String encode(Histogram h) {
    ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int n = h.encodeIntoCompressedByteBuffer(buf);
    return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), n));
  }

  public static Histogram decode(String base64) {
    if (base64 == null || base64.isEmpty()) {
      return create();
    }
    try {
      Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)),
          HIGHEST_MICROS);
      Histogram out = create();
      out.add(h);
      return out;
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("not a compressed histogram: " + e.getMessage(), e);
    }
  }

  /** Percentiles in milliseconds (what the reports show). */
  public static JsonObject summary(Histogram h) {
    JsonObject j = new JsonObject().put("count", h.getTotalCount());
    if (h.getTotalCount() == 0) {
      return j;
    }
    return j.put("minMs", ms(h.getMinValue())).put("meanMs", Math.round(h.getMean()) / 1000.0)
        .put("p50Ms", ms(h.getValueAtPercentile(50))).put("p90Ms", ms(h.getValueAtPercentile(90)))
        .put("p99Ms", ms(h.getValueAtPercentile(99))).put("p999Ms", ms(h.getValueAtPercentile(99.9)))
        .put("maxMs", ms(h.getMaxValue()));
  }

  public static double ms(long micros) {
    return Math.round(micros / 10.0) / 100.0;
  }
}
