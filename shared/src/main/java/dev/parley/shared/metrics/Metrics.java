package dev.parley.shared.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;

/**
 * Access to the node's Micrometer registry. Nodes start Vert.x with {@link #options()} (Prometheus backend, JVM
 * metrics), and every ops port serves it at {@code /metrics}. Code under test without node metrics gets a
 * private in-memory registry, so meters can be used unconditionally on hot paths.
 */
public final class Metrics {
  private static final MeterRegistry FALLBACK = new SimpleMeterRegistry();

  private Metrics() {
  }

  /** Vert.x metrics options for a node: Prometheus registry (scraped from the ops port) and JVM metrics. */
  public static MicrometerMetricsOptions options() {
    return new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true).setPublishQuantiles(true));
  }

  /** The registry of this JVM's Vert.x metrics backend, or an in-memory one when metrics are off. */
  public static MeterRegistry registry() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    return registry != null ? registry : FALLBACK;
  }
}
