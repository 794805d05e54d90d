package dev.parley.bench.load;

import dev.parley.client.Ack;
import dev.parley.client.Message;
import dev.parley.client.ParleyClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

import java.net.ConnectException;
import java.util.List;
import java.util.UUID;

/**
 * One simulated device: a {@link ParleyClient} on an event-loop context of its own, its receive accounting
 * ({@link ReceiverLog}) and, for senders, an open-loop schedule: message k is due at
 * {@code t0 + phase + k·interval} whatever happened to earlier ones; a timer on the device's context sends every
 * message that is due (a late timer sends the backlog at once) and latency is measured from the due time.
 */
final class Device {
  /** The sending schedule of a sender device. */
  static final class Schedule {
    final int index;
    final double intervalUs;
    final long phaseUs;
    long t0Us;
    long endUs;
    long next;
    final SeqSet acked = new SeqSet();
    final int receivers;

    Schedule(int index, int total, double rate, int receivers) {
      this.index = index;
      this.intervalUs = total / rate * 1_000_000.0;
      this.phaseUs = (long) (intervalUs * index / total);
      this.receivers = receivers;
    }

    long due(long k) {
      return t0Us + phaseUs + (long) (k * intervalUs);
    }

    long planned() {
      long n = 0;
      while (due(n) < endUs) {
        n++;
      }
      return n;
    }
  }

  final int index;
  final Manifest.User user;
  final List<String> urls;
  final Manifest.Channel channel;
  final Schedule schedule;
  ReceiverLog log;
  ParleyClient client;
  Context ctx;
  private final WorkerStats stats;
  private boolean up;
  private long closedAtUs = -1;
  private volatile boolean sending;

  Device(int index, Manifest.User user, List<String> urls, Manifest.Channel channel, Schedule schedule, WorkerStats stats) {
    this.index = index;
    this.user = user;
    this.urls = urls;
    this.channel = channel;
    this.schedule = schedule;
    this.stats = stats;
  }

  /** Creates the client on {@code context} (its callbacks, timers and socket then live on that event loop). */
  Future<Void> create(Vertx vertx, Context context, WebClient web, String restBase, String token) {
    ctx = context;
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    ctx.runOnContext(v -> {
      client = ParleyClient.create(vertx, new ParleyClient.Options(urls, restBase, user.userId(), user.deviceId(), token), web)
          .onMessage(this::onMessage)
          .onFrame(this::onFrame)
          .onConnectFailure(this::onConnectFailure)
          .onSocketClosed(this::onClosed)
          .onChainViolation(err -> stats.chainViolations.increment());
      done.complete();
    });
    return done.future();
  }

  Future<Void> connect() {
    long start = MicroClock.nowMicros();
    return client.connect().onSuccess(v -> WorkerStats.record(stats.connect, MicroClock.nowMicros() - start));
  }

  boolean up() {
    return up;
  }

  /** Starts the schedule (the first tick at the device's first due time). */
  void startSending(Vertx vertx, long t0Us, long endUs, String runId, int payloadBytes) {
    ctx.runOnContext(v -> {
      schedule.t0Us = t0Us;
      schedule.endUs = endUs;
      sending = true;
      vertx.setTimer(delayMs(schedule.due(0)), t -> tick(vertx, runId, payloadBytes));
    });
  }

  void stopSending() {
    sending = false;
  }

  private static long delayMs(long dueUs) {
    return Math.max(1, (dueUs - MicroClock.nowMicros() + 999) / 1_000);
  }

  private void tick(Vertx vertx, String runId, int payloadBytes) {
    if (!sending) {
      return;
    }
    long now = MicroClock.nowMicros();
    for (int burst = 0; burst < 1_000; burst++) {
      long due = schedule.due(schedule.next);
      if (due >= schedule.endUs) {
        return;
      }
      if (due > now) {
        break;
      }
      send(schedule.next++, due, now, runId, payloadBytes);
    }
    vertx.setTimer(delayMs(schedule.due(schedule.next)), t -> tick(vertx, runId, payloadBytes));
  }

  private void send(long k, long dueUs, long nowUs, String runId, int payloadBytes) {
    stats.sent.increment();
    byte[] payload = Payloads.encode(payloadBytes, dueUs, nowUs, schedule.index, (int) k);
    client.send(channel.channelId(), runId + "-" + k, "application", payload).onComplete(ar -> {
      if (ar.succeeded()) {
        Ack a = ar.result();
        synchronized (schedule) {
          schedule.acked.add(a.seq());
        }
        stats.acked.increment();
        stats.expectedDeliveries.add(schedule.receivers);
        if (stats.inWindow(dueUs)) {
          WorkerStats.record(stats.ack, MicroClock.nowMicros() - dueUs);
        }
      } else {
        stats.sendFailed.increment();
        String m = String.valueOf(ar.cause().getMessage());
        WorkerStats.count(stats.sendFailures, m.contains(":") ? m.substring(0, m.indexOf(':')) : m);
      }
    });
  }

  private void onMessage(Message m) {
    if (m.own()) {
      return;
    }
    ReceiverLog l = log;
    if (l == null || !m.channelId().equals(l.channelId())) {
      stats.foreign.increment();
      return;
    }
    ReceiverLog.Outcome o = l.deliver(m.seq());
    if (o != ReceiverLog.Outcome.NEW && o != ReceiverLog.Outcome.OUT_OF_ORDER) {
      return;
    }
    stats.delivered.increment();
    Payloads.Stamp stamp = Payloads.decode(m.payload());
    if (stamp == null) {
      return;
    }
    long now = MicroClock.nowMicros();
    long latency = now - stamp.intendedMicros();
    WorkerStats.record(stats.series, latency);
    if (stats.inWindow(stamp.intendedMicros())) {
      WorkerStats.record(stats.e2e, latency);
    }
    stats.syncBuckets.merge(stamp.intendedMicros() / 100_000, now, Math::max);
  }

  private void onFrame(JsonObject f) {
    switch (f.getString("type", "")) {
      case "msg" -> {
        ReceiverLog l = log;
        if (l != null && l.channelId().toString().equals(f.getString("channelId"))) {
          l.wire(f.getLong("seq", 0L));
        }
      }
      case "error" -> WorkerStats.count(stats.frameErrors, f.getString("code", "?"));
      case "ready" -> onReady();
      default -> { }
    }
  }

  private void onReady() {
    long now = MicroClock.nowMicros();
    if (!up) {
      up = true;
      stats.connected.incrementAndGet();
    }
    if (closedAtUs > 0) {
      WorkerStats.record(stats.reconnect, now - closedAtUs);
      stats.reconnected.incrementAndGet();
      stats.lastReadyUs.accumulateAndGet(now, Math::max);
      closedAtUs = -1;
    }
  }

  private void onClosed(int code) {
    if (up) {
      up = false;
      stats.connected.decrementAndGet();
    }
    if (stats.stopping) {
      return;
    }
    WorkerStats.count(stats.closes, Integer.toString(code));
    if (closedAtUs < 0) {
      closedAtUs = MicroClock.nowMicros();
      stats.firstCloseUs.accumulateAndGet(closedAtUs, Math::min);
    }
  }

  private void onConnectFailure(Throwable err) {
    String reason;
    if (err instanceof UpgradeRejectedException r) {
      reason = "http_" + r.getStatus();
    } else if (err instanceof ConnectException) {
      reason = "refused";
    } else if (String.valueOf(err.getMessage()).toLowerCase().contains("timed out")
        || err.getClass().getSimpleName().contains("Timeout")) {
      reason = "timeout";
    } else {
      reason = err.getClass().getSimpleName();
    }
    WorkerStats.count(stats.connectFailures, reason);
  }

  UUID deviceId() {
    return user.deviceId();
  }
}
