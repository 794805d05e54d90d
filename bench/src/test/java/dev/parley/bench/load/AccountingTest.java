package dev.parley.bench.load;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AccountingTest {
  @Test
  @DisplayName("a receiver log tells new, duplicate, out-of-order and pre-run deliveries apart, on the wire too")
  void receiverLog() {
    ReceiverLog log = new ReceiverLog(java.util.UUID.randomUUID(), 1, 10);
    assertThat(log.deliver(9)).isEqualTo(ReceiverLog.Outcome.OLD);
    assertThat(log.deliver(11)).isEqualTo(ReceiverLog.Outcome.NEW);
    assertThat(log.deliver(13)).isEqualTo(ReceiverLog.Outcome.NEW);
    assertThat(log.deliver(12)).isEqualTo(ReceiverLog.Outcome.OUT_OF_ORDER);
    assertThat(log.deliver(13)).isEqualTo(ReceiverLog.Outcome.DUPLICATE);
    log.wire(11);
    log.wire(11);
    log.wire(13);
    log.wire(12);
    JsonObject j = log.toJson();
    assertThat(j.getLong("duplicates")).isEqualTo(1);
    assertThat(j.getLong("outOfOrder")).isEqualTo(1);
    assertThat(j.getLong("wireDuplicates")).isEqualTo(1);
    assertThat(j.getLong("wireOutOfOrder")).isEqualTo(1);
    assertThat(j.getLong("recovered")).isZero();
  }

  @Test
  @DisplayName("completeness merges acked seqs of senders in any worker and counts missing and unexpected per device")
  void completenessAcrossWorkers() {
    String ch = "c1";
    // Worker 0 holds sender A (acked 1-10) and receiver B (got 1-8 and 12); worker 1 holds sender C (acked 11-12)
    // and receiver D (got everything). A and C also receive each other's messages.
    JsonObject w0 = new JsonObject()
        .put("ackedSeqs", new JsonObject().put(ch, ranges(1, 10)))
        .put("receivers", new JsonArray()
            .add(receiver(ch, ranges(1, 8).add(new JsonArray().add(12).add(12)), 0, 2))
            .add(receiver(ch, ranges(11, 12), 10, 0)));
    JsonObject w1 = new JsonObject()
        .put("ackedSeqs", new JsonObject().put(ch, ranges(11, 12)))
        .put("receivers", new JsonArray()
            .add(receiver(ch, ranges(1, 12), 0, 0))
            .add(receiver(ch, ranges(1, 10), 2, 0)));
    JsonObject c = Results.completeness(List.of(w0, w1));
    assertThat(c.getLong("ackedMessages")).isEqualTo(12);
    // B 12, A 12-10, D 12, C 12-2
    assertThat(c.getLong("expectedDeliveries")).isEqualTo(12 + 2 + 12 + 10);
    assertThat(c.getLong("missing")).isEqualTo(3); // B lacks 9, 10, 11
    assertThat(c.getLong("duplicates")).isEqualTo(2);
    assertThat(c.getLong("unexpected")).isZero();
    assertThat(c.getBoolean("complete")).isFalse();
  }

  @Test
  @DisplayName("histograms survive the compressed base64 encoding and merge exactly")
  void histogramMerge() {
    Histogram a = Histograms.create();
    Histogram b = Histograms.create();
    for (int i = 1; i <= 1000; i++) {
      a.recordValue(i * 10L);
      b.recordValue(i * 1000L);
    }
    Histogram merged = Histograms.decode(Histograms.encode(a));
    merged.add(Histograms.decode(Histograms.encode(b)));
    Histogram direct = a.copy();
    direct.add(b);
    assertThat(merged.getTotalCount()).isEqualTo(2000);
    assertThat(merged.getValueAtPercentile(99)).isEqualTo(direct.getValueAtPercentile(99));
    assertThat(merged.getMaxValue()).isEqualTo(direct.getMaxValue());
    assertThat(Histograms.summary(merged).getDouble("p50Ms")).isEqualTo(Histograms.ms(direct.getValueAtPercentile(50)));
  }

  @Test
  @DisplayName("a payload carries the intended send time back to the receiver; foreign payloads are ignored")
  void payloads() {
    byte[] p = Payloads.encode(100, 123_456_789L, 123_456_999L, 7, 42);
    assertThat(p).hasSize(100);
    assertThat(Payloads.decode(p)).isEqualTo(new Payloads.Stamp(123_456_789L, 123_456_999L, 7, 42));
    assertThat(Payloads.decode(new byte[100])).isNull();
  }

  private static JsonArray ranges(long from, long to) {
    return new JsonArray().add(new JsonArray().add(from).add(to));
  }

  private static JsonObject receiver(String ch, JsonArray delivered, long ownAcked, long duplicates) {
    return new JsonObject().put("channel", ch).put("delivered", delivered).put("ownAcked", ownAcked)
        .put("duplicates", duplicates).put("outOfOrder", 0).put("wireDuplicates", 0).put("wireOutOfOrder", 0)
        .put("recovered", 0);
  }
}
