package dev.parley.shared.deps;

import dev.parley.shared.Futures;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Command;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Probes every dependency of a node with a real round trip (a query, a PING, a cluster description) under a
 * deadline. The probe never fails: each dependency's outcome, with its latency and error, is in the result.
 */
public final class ReadinessProbe {
  private final DependencyClients clients;
  private final long timeoutMs;
  /** parley_dependency_up{dependency=…}: 1 when the last probe succeeded, else 0 (alert on it). */
  private final Map<Dependency, AtomicInteger> up = new EnumMap<>(Dependency.class);
  private final Map<Dependency, Timer> latency = new EnumMap<>(Dependency.class);

  public ReadinessProbe(DependencyClients clients, long timeoutMs, MeterRegistry meters) {
    this.clients = clients;
    this.timeoutMs = timeoutMs;
    for (Dependency d : clients.enabled()) {
      AtomicInteger value = new AtomicInteger();
      up.put(d, value);
      Gauge.builder("parley.dependency.up", value, AtomicInteger::get).tag("dependency", d.wireName())
          .description("1 when the last readiness probe of the dependency succeeded").register(meters);
      latency.put(d, Timer.builder("parley.dependency.probe").tag("dependency", d.wireName())
          .description("round-trip time of readiness probes").register(meters));
    }
  }

  /** One status per enabled dependency, in {@link Dependency} order. */
  public Future<List<DependencyStatus>> check() {
    List<Future<DependencyStatus>> probes = new ArrayList<>();
    for (Dependency dependency : Dependency.values()) {
      if (clients.enabled().contains(dependency)) {
        probes.add(probe(dependency));
      }
    }
    return Future.join(probes).map(done -> probes.stream().map(Future::result).toList());
  }

  private Future<DependencyStatus> probe(Dependency dependency) {
    long start = System.nanoTime();
    Future<?> roundTrip;
    try {
      roundTrip = roundTrip(dependency);
    } catch (RuntimeException e) {
      roundTrip = Future.failedFuture(e);
    }
    return Futures.withTimeout(clients.vertx(), roundTrip, timeoutMs, dependency.wireName())
        .map(ok -> new DependencyStatus(dependency, true, elapsedMs(start), null))
        .recover(err -> Future.succeededFuture(
            new DependencyStatus(dependency, false, elapsedMs(start), describe(err))))
        .onSuccess(status -> {
          up.get(dependency).set(status.up() ? 1 : 0);
          latency.get(dependency).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        });
  }

  private Future<?> roundTrip(Dependency dependency) {
    return switch (dependency) {
      case POSTGRES -> clients.pg().query("SELECT 1").execute();
      case REDIS -> clients.redis().send(Request.cmd(Command.PING));
      case CASSANDRA -> clients.cassandra().execute("SELECT release_version FROM system.local");
      case KAFKA -> clients.kafkaAdmin().describeCluster().map(d -> {
        if (d.getNodes().isEmpty()) {
          throw new IllegalStateException("cluster reports no brokers");
        }
        return d;
      });
      case ETCD -> Future.fromCompletionStage(clients.etcd().getClusterClient().listMember(),
          clients.vertx().getOrCreateContext());
    };
  }

  private static long elapsedMs(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private static String describe(Throwable err) {
    Throwable root = err;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.length() > 300 ? message.substring(0, 300) + "…" : message;
  }
}
