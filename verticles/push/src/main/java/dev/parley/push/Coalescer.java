package dev.parley.push;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * At most one push per device and channel per window. The first job of a (device, channel) is delivered at once;
 * once a push went out, the jobs that arrive within the window are folded into one, sent when the window closes,
 * with the newest seq and the unread count as it is then (and re-checked: none if the device came online, the
 * channel was read or muted meanwhile). A job that led to no push opens no window: the next one is handled at once.
 *
 * <p>A folded job's Future completes only when the push that carries it is handled, so its Kafka offset is
 * committed after that push (a crash inside the window replays it). Used from the push verticle's event loop only.
 */
public final class Coalescer {
  private final Vertx vertx;
  private final Delivery pipeline;
  private final long windowMs;
  private final PushMeters meters;
  private final Map<String, Slot> slots = new HashMap<>();

  /** One device and channel: the newest job waiting and the jobs folded into it. */
  private static final class Slot {
    NotificationJob latest;
    List<Promise<Void>> waiters = new ArrayList<>();
  }

  public Coalescer(Vertx vertx, Delivery pipeline, long windowMs, PushMeters meters) {
    this.vertx = vertx;
    this.pipeline = pipeline;
    this.windowMs = windowMs;
    this.meters = meters;
  }

  /** Completes when the push carrying this job was handled (published, skipped or given up). Never fails. */
  public Future<Void> offer(NotificationJob job) {
    if (windowMs == 0) {
      return pipeline.deliver(job).mapEmpty();
    }
    String key = job.deviceId() + "/" + job.channelId();
    Promise<Void> done = Promise.promise();
    Slot slot = slots.get(key);
    if (slot == null) {
      slot = new Slot();
      slots.put(key, slot);
      start(key, slot, job, List.of(done));
    } else {
      if (slot.latest == null || job.seq() > slot.latest.seq()) {
        slot.latest = job;
      }
      slot.waiters.add(done);
    }
    return done.future();
  }

  /** Device/channel pairs with a delivery in flight or a window open (for tests and gauges). */
  public int activeSlots() {
    return slots.size();
  }

  private void start(String key, Slot slot, NotificationJob job, List<Promise<Void>> waiters) {
    pipeline.deliver(job).onComplete(ar -> {
      waiters.forEach(Promise::tryComplete);
      if (ar.succeeded() && ar.result()) {
        vertx.setTimer(windowMs, t -> next(key, slot));
      } else {
        // Nothing went out, so there is nothing to space the next push from: handle what queued up now.
        next(key, slot);
      }
    });
  }

  private void next(String key, Slot slot) {
    if (slot.latest == null) {
      slots.remove(key);
      return;
    }
    NotificationJob job = slot.latest;
    List<Promise<Void>> waiters = slot.waiters;
    slot.latest = null;
    slot.waiters = new ArrayList<>();
    for (int i = 1; i < waiters.size(); i++) {
      meters.coalesced();
    }
    start(key, slot, job, waiters);
  }
}
