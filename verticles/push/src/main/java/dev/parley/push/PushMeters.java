package dev.parley.push;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;

/**
 * The push role's meters (Prometheus names): {@code parley_push_published_total}, {@code parley_push_coalesced_total},
 * {@code parley_push_retried_total}, {@code parley_push_dropped_total{reason}} (online, muted, read, no_endpoint,
 * failed, malformed), {@code parley_push_disabled_total}, {@code parley_push_publish_latency_seconds} (one SNS call)
 * and {@code parley_push_commit_to_publish_seconds} (message commit to accepted publish).
 */
public final class PushMeters {
  private final MeterRegistry registry;
  private final Counter published;
  private final Counter coalesced;
  private final Counter retried;
  private final Counter disabled;
  private final Timer publishLatency;
  private final Timer commitToPublish;

  public PushMeters(MeterRegistry registry) {
    this.registry = registry;
    this.published = Counter.builder("parley.push.published").description("pushes accepted by SNS").register(registry);
    this.coalesced = Counter.builder("parley.push.coalesced")
        .description("jobs folded into a later push of the same device and channel").register(registry);
    this.retried = Counter.builder("parley.push.retried").description("publish retries (throttled, 5xx, transport)")
        .register(registry);
    this.disabled = Counter.builder("parley.push.disabled").description("registrations disabled (dead endpoints)")
        .register(registry);
    this.publishLatency = Timer.builder("parley.push.publish.latency").description("one SNS Publish call")
        .publishPercentiles(0.5, 0.99).register(registry);
    this.commitToPublish = Timer.builder("parley.push.commit.to.publish")
        .description("message commit to its push accepted by SNS").publishPercentiles(0.5, 0.99).register(registry);
  }

  public void published(long commitTs, long nowMs) {
    published.increment();
    commitToPublish.record(Math.max(0, nowMs - commitTs), TimeUnit.MILLISECONDS);
  }

  public void coalesced() {
    coalesced.increment();
  }

  public void retried() {
    retried.increment();
  }

  public void disabled() {
    disabled.increment();
  }

  public void dropped(String reason) {
    Counter.builder("parley.push.dropped").tag("reason", reason).description("jobs that led to no push")
        .register(registry).increment();
  }

  public void publishLatency(long nanos) {
    publishLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  public double count(String name) {
    Counter c = registry.find(name).counter();
    return c == null ? 0 : c.count();
  }
}
