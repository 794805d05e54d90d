package dev.parley.bench.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A worker's final report: its counters and error tallies, its histograms (compressed, base64), the seqs its
 * senders got acked per channel, and each receiving device's {@link ReceiverLog} (with the number of its own acked
 * sends, which it is not expected to receive). The coordinator merges these ({@link Results}).
 */
final class WorkerResult {
  private WorkerResult() {
  }

  static JsonObject of(int index, List<Device> devices, WorkerStats stats, long t0Us, boolean storm) {
    JsonObject acked = new JsonObject();
    long planned = 0;
    for (Device d : devices) {
      if (d.schedule != null && t0Us > 0) {
        planned += d.schedule.planned();
        synchronized (d.schedule) {
          SeqSet merged = SeqSet.fromJson(acked.getJsonArray(d.channel.channelId().toString()));
          merged.addAll(d.schedule.acked);
          acked.put(d.channel.channelId().toString(), merged.toJson());
        }
      }
    }
    JsonArray receivers = new JsonArray();
    for (Device d : devices) {
      if (d.log != null) {
        long own;
        if (d.schedule == null) {
          own = 0;
        } else {
          synchronized (d.schedule) {
            own = d.schedule.acked.size();
          }
        }
        receivers.add(d.log.toJson().put("ownAcked", own));
      }
    }
    JsonObject hist = new JsonObject().put("e2e", Histograms.encode(stats.e2e.getIntervalHistogram()))
        .put("ack", Histograms.encode(stats.ack.getIntervalHistogram()))
        .put("connect", Histograms.encode(stats.connect.getIntervalHistogram()))
        .put("reconnect", Histograms.encode(stats.reconnect.getIntervalHistogram()));
    return new JsonObject().put("type", "result").put("worker", index).put("devices", devices.size())
        .put("planned", planned).put("sent", stats.sent.sum()).put("acked", stats.acked.sum())
        .put("failed", stats.sendFailed.sum()).put("delivered", stats.delivered.sum())
        .put("expectedDeliveries", stats.expectedDeliveries.sum()).put("foreign", stats.foreign.sum())
        .put("chainViolations", stats.chainViolations.sum()).put("reconnected", stats.reconnected.get())
        .put("firstCloseUs", stats.firstCloseUs.get() == Long.MAX_VALUE ? 0 : stats.firstCloseUs.get())
        .put("lastReadyUs", stats.lastReadyUs.get())
        .put("frameErrors", WorkerStats.toJson(stats.frameErrors))
        .put("connectFailures", WorkerStats.toJson(stats.connectFailures))
        .put("closes", WorkerStats.toJson(stats.closes)).put("sendFailures", WorkerStats.toJson(stats.sendFailures))
        .put("hist", hist).put("ackedSeqs", acked).put("receivers", receivers)
        .put("syncBuckets", storm ? stats.buckets() : new JsonArray());
  }

}
