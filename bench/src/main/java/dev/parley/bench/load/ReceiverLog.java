package dev.parley.bench.load;

import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * What one device received of one channel during a run, on two levels: the {@code msg} frames that came off the
 * socket ("wire": the server's behaviour — duplicates, order, what it never sent live) and the messages the client
 * library handed to the application (verified, in order, gaps filled from history: what a user would see).
 * Seqs at or below {@code startHead} (the channel's head before the run) are ignored. Thread-safe.
 */
public final class ReceiverLog {
  /** How a delivery to the application counted. */
  public enum Outcome { NEW, DUPLICATE, OUT_OF_ORDER, OLD }

  private final UUID channelId;
  private final int device;
  private final long startHead;
  private final SeqSet delivered = new SeqSet();
  private final SeqSet wire = new SeqSet();
  private long lastDelivered;
  private long wireMax;
  private long duplicates;
  private long outOfOrder;
  private long wireDuplicates;
  private long wireOutOfOrder;

  public ReceiverLog(UUID channelId, int device, long startHead) {
    this.channelId = channelId;
    this.device = device;
    this.startHead = startHead;
    this.lastDelivered = startHead;
    this.wireMax = startHead;
  }

  public UUID channelId() {
    return channelId;
  }

  public long startHead() {
    return startHead;
  }

  /** A message handed to the application. An out-of-order one still counts as delivered (once). */
  public synchronized Outcome deliver(long seq) {
    if (seq <= startHead) {
      return Outcome.OLD;
    }
    if (!delivered.add(seq)) {
      duplicates++;
      return Outcome.DUPLICATE;
    }
    if (seq < lastDelivered) {
      outOfOrder++;
      return Outcome.OUT_OF_ORDER;
    }
    lastDelivered = seq;
    return Outcome.NEW;
  }

  /** A {@code msg} frame off the socket. */
  public synchronized void wire(long seq) {
    if (seq <= startHead) {
      return;
    }
    if (!wire.add(seq)) {
      wireDuplicates++;
      return;
    }
    if (seq < wireMax) {
      wireOutOfOrder++;
    }
    wireMax = Math.max(wireMax, seq);
  }

  public synchronized long deliveredCount() {
    return delivered.size();
  }

  public synchronized JsonObject toJson() {
    return new JsonObject().put("channel", channelId.toString()).put("device", device).put("startHead", startHead)
        .put("delivered", delivered.toJson()).put("duplicates", duplicates).put("outOfOrder", outOfOrder)
        .put("wireDuplicates", wireDuplicates).put("wireOutOfOrder", wireOutOfOrder)
        .put("wireSeen", wire.size()).put("recovered", delivered.size() - delivered.countIn(wire));
  }
}
