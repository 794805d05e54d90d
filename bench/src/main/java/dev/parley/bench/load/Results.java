package dev.parley.bench.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Merges what the workers reported into one run's figures: per-second series (from the progress reports), summed
 * counters and error tallies, merged histograms, and the completeness accounting — per channel, the union of
 * every acked seq (from the senders, whichever worker) against what each receiving device's application got.
 */
public final class Results {
  private static final double[] CURVE = {0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100};

  private static final class Second {
    long sent;
    long acked;
    long delivered;
    long errors;
    final Map<Integer, Integer> connected = new HashMap<>();
    final Histogram hist = Histograms.create();
  }

  private final LoadOptions opts;
  private final Map<Long, Second> seconds = new TreeMap<>();
  private final Histogram cumulative = Histograms.create();

  public Results(LoadOptions opts) {
    this.opts = opts;
  }

  /** A worker's progress report. */
  public synchronized void progress(int worker, JsonObject p) {
    long s = p.getLong("second", -1L);
    Histogram h = Histograms.decode(p.getString("hist"));
    cumulative.add(h);
    if (s < 0) {
      return;
    }
    Second sec = seconds.computeIfAbsent(s, k -> new Second());
    sec.sent += p.getLong("sent", 0L);
    sec.acked += p.getLong("acked", 0L);
    sec.delivered += p.getLong("delivered", 0L);
    sec.errors += p.getLong("errors", 0L);
    sec.connected.put(worker, p.getInteger("connected", 0));
    sec.hist.add(h);
  }

  /** p99 (ms) of every delivery so far, for the progress line. */
  public synchronized double p99SoFarMs() {
    return cumulative.getTotalCount() == 0 ? 0 : Histograms.ms(cumulative.getValueAtPercentile(99));
  }

  /** The run's figures from the workers' final results. */
  public synchronized JsonObject merge(List<JsonObject> workers, JsonObject meta) {
    JsonObject totals = new JsonObject();
    for (String k : List.of("devices", "planned", "sent", "acked", "failed", "delivered", "expectedDeliveries", "foreign",
        "chainViolations", "reconnected")) {
      totals.put(k, workers.stream().mapToLong(w -> w.getLong(k, 0L)).sum());
    }
    JsonObject errors = new JsonObject();
    for (String k : List.of("frameErrors", "connectFailures", "closes", "sendFailures")) {
      Map<String, Long> sum = new TreeMap<>();
      workers.forEach(w -> w.getJsonObject(k, new JsonObject()).forEach(e -> sum.merge(e.getKey(),
          ((Number) e.getValue()).longValue(), Long::sum)));
      errors.put(k, new JsonObject(new HashMap<>(sum)));
    }
    errors.put("chainViolations", totals.getLong("chainViolations"));
    Map<String, Histogram> hists = new HashMap<>();
    for (String k : List.of("e2e", "ack", "connect", "reconnect")) {
      Histogram h = Histograms.create();
      workers.forEach(w -> h.add(Histograms.decode(w.getJsonObject("hist").getString(k))));
      hists.put(k, h);
    }
    JsonObject out = meta.copy();
    out.put("totals", totals).put("errors", errors);
    out.put("connections", new JsonObject().put("requested", opts.connections()).put("devices", totals.getLong("devices"))
        .put("connectedAtStart", meta.getLong("connectedAtStart", 0L)).put("connectMs", Histograms.summary(hists.get("connect"))));
    out.put("latency", new JsonObject().put("e2e", Histograms.summary(hists.get("e2e")))
        .put("ack", Histograms.summary(hists.get("ack"))).put("curve", curve(hists.get("e2e"))));
    out.put("completeness", completeness(workers));
    out.put("throughput", throughput(totals, hists.get("e2e"), hists.get("ack")));
    if ("storm".equals(opts.scenario())) {
      out.put("storm", storm(workers, hists.get("reconnect")));
    }
    out.put("series", series());
    JsonObject encoded = new JsonObject();
    hists.forEach((k, h) -> encoded.put(k, Histograms.encode(h)));
    out.put("histograms", encoded);
    return out;
  }

  static JsonObject completeness(List<JsonObject> workers) {
    Map<String, SeqSet> acked = new HashMap<>();
    for (JsonObject w : workers) {
      w.getJsonObject("ackedSeqs", new JsonObject()).forEach(e -> acked.computeIfAbsent(e.getKey(), k -> new SeqSet())
          .addAll(SeqSet.fromJson((JsonArray) e.getValue())));
    }
    long expected = 0;
    long delivered = 0;
    long missing = 0;
    long unexpected = 0;
    long duplicates = 0;
    long outOfOrder = 0;
    long wireDuplicates = 0;
    long wireOutOfOrder = 0;
    long recovered = 0;
    long receiversMissing = 0;
    for (JsonObject w : workers) {
      for (Object o : w.getJsonArray("receivers", new JsonArray())) {
        JsonObject r = (JsonObject) o;
        SeqSet want = acked.getOrDefault(r.getString("channel"), new SeqSet());
        SeqSet got = SeqSet.fromJson(r.getJsonArray("delivered"));
        long gotWanted = got.countIn(want);
        // A device's own sends are not deliveries to it: senders are excluded from their channel's expectation.
        long own = r.getLong("ownAcked", 0L);
        expected += want.size() - own;
        delivered += gotWanted;
        long miss = want.size() - own - gotWanted;
        missing += miss;
        receiversMissing += miss > 0 ? 1 : 0;
        unexpected += got.size() - gotWanted;
        duplicates += r.getLong("duplicates", 0L);
        outOfOrder += r.getLong("outOfOrder", 0L);
        wireDuplicates += r.getLong("wireDuplicates", 0L);
        wireOutOfOrder += r.getLong("wireOutOfOrder", 0L);
        recovered += r.getLong("recovered", 0L);
      }
    }
    return new JsonObject().put("ackedMessages", acked.values().stream().mapToLong(SeqSet::size).sum())
        .put("expectedDeliveries", expected).put("delivered", delivered).put("missing", missing)
        .put("receiversMissingSome", receiversMissing).put("duplicates", duplicates).put("outOfOrder", outOfOrder)
        .put("unexpected", unexpected).put("wireDuplicates", wireDuplicates).put("wireOutOfOrder", wireOutOfOrder)
        .put("recoveredFromHistory", recovered)
        .put("complete", missing == 0 && duplicates == 0 && outOfOrder == 0);
  }

  /**
   * Rates over the measured window: sends and acks of messages due in it, and deliveries of those messages (at
   * any time up to the end of the drain) per second of window; a saturated target shows as deliveries below the
   * offered rate, or as latency growing over the series.
   */
  private JsonObject throughput(JsonObject totals, Histogram e2e, Histogram ack) {
    double secs = Math.max(0.001, opts.duration());
    int receiversPerMessage = switch (opts.scenario()) {
      case "group" -> opts.groupSize() - 1;
      case "idle" -> 0;
      default -> 1;
    };
    long sentInWindow = 0;
    for (Map.Entry<Long, Second> e : seconds.entrySet()) {
      if (e.getKey() > opts.warmup() && e.getKey() <= opts.warmup() + opts.duration()) {
        sentInWindow += e.getValue().sent;
      }
    }
    double offered = opts.rate();
    double deliveriesPerSec = e2e.getTotalCount() / secs;
    double deliveredMsgPerSec = receiversPerMessage == 0 ? 0 : deliveriesPerSec / receiversPerMessage;
    return new JsonObject().put("offeredMsgPerSec", offered).put("sentMsgPerSec", round(sentInWindow / secs))
        .put("ackedMsgPerSec", round(ack.getTotalCount() / secs)).put("deliveriesPerSec", round(deliveriesPerSec))
        .put("receiversPerMessage", receiversPerMessage).put("deliveredMsgPerSec", round(deliveredMsgPerSec))
        .put("deliveredOfOffered", offered == 0 || receiversPerMessage == 0 ? null : round(deliveredMsgPerSec / offered));
  }

  private JsonObject storm(List<JsonObject> workers, Histogram reconnect) {
    long firstClose = workers.stream().mapToLong(w -> w.getLong("firstCloseUs", 0L)).filter(v -> v > 0).min().orElse(0);
    long lastReady = workers.stream().mapToLong(w -> w.getLong("lastReadyUs", 0L)).max().orElse(0);
    Map<Long, Long> buckets = new TreeMap<>();
    workers.forEach(w -> w.getJsonArray("syncBuckets", new JsonArray()).forEach(o -> {
      JsonArray b = (JsonArray) o;
      buckets.merge(b.getLong(0), b.getLong(1), Math::max);
    }));
    long synced = 0;
    for (Map.Entry<Long, Long> b : buckets.entrySet()) {
      if (b.getKey() * 100_000 <= lastReady) {
        synced = Math.max(synced, b.getValue());
      }
    }
    JsonObject s = new JsonObject().put("dropped", reconnect.getTotalCount())
        .put("reconnected", workers.stream().mapToLong(w -> w.getLong("reconnected", 0L)).sum())
        .put("reconnectMs", Histograms.summary(reconnect));
    if (firstClose > 0 && lastReady > firstClose) {
      s.put("allBackMs", round((lastReady - firstClose) / 1000.0));
      s.put("inSyncMs", synced > 0 ? round((Math.max(synced, lastReady) - firstClose) / 1000.0) : null);
    }
    return s;
  }

  private JsonArray series() {
    JsonArray out = new JsonArray();
    seconds.forEach((s, sec) -> {
      JsonObject j = new JsonObject().put("t", s).put("sent", sec.sent).put("acked", sec.acked)
          .put("delivered", sec.delivered).put("errors", sec.errors)
          .put("connected", sec.connected.values().stream().mapToInt(Integer::intValue).sum())
          .put("count", sec.hist.getTotalCount());
      if (sec.hist.getTotalCount() > 0) {
        j.put("p50Ms", Histograms.ms(sec.hist.getValueAtPercentile(50)))
            .put("p99Ms", Histograms.ms(sec.hist.getValueAtPercentile(99)))
            .put("p999Ms", Histograms.ms(sec.hist.getValueAtPercentile(99.9)))
            .put("maxMs", Histograms.ms(sec.hist.getMaxValue()));
      }
      out.add(j);
    });
    return out;
  }

  private static JsonArray curve(Histogram h) {
    JsonArray out = new JsonArray();
    if (h.getTotalCount() == 0) {
      return out;
    }
    for (double p : CURVE) {
      out.add(new JsonObject().put("p", p).put("ms", Histograms.ms(h.getValueAtPercentile(p))));
    }
    return out;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
