package dev.parley.shared.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;

/**
 * The node's Micrometer set-up. Nodes start Vert.x with {@link #options()} (Prometheus backend, JVM metrics), and
 * every ops port serves it at {@code /metrics}. The registry is looked up once per process, by the node's main
 * verticle ({@link #nodeRegistry()}), and injected from there into every role; nothing holds it statically.
 */
public final class Metrics {
  private Metrics() {
  }

  /** Vert.x metrics options for a node: Prometheus registry (scraped from the ops port) and JVM metrics. */
  public static MicrometerMetricsOptions options() {
    return new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true).setPublishQuantiles(true));
  }

  /**
   * The registry of this JVM's Vert.x metrics backend (the one {@code /metrics} serves), or — when Vert.x was
   * started without {@link #options()} — a new in-memory registry, so meters can still be used unconditionally.
   */
  public static MeterRegistry nodeRegistry() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    return registry != null ? registry : new SimpleMeterRegistry();
  }
}
