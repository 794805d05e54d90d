package dev.parley.shared.deps;

import dev.parley.shared.Futures;
import io.vertx.core.Future;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Command;

import java.util.ArrayList;
import java.util.List;

/**
 * Probes every dependency of a node with a real round trip (a query, a PING, a cluster description) under a
 * deadline. The probe never fails: each dependency's outcome, with its latency and error, is in the result.
 */
public final class ReadinessProbe {
  private final DependencyClients clients;
  private final long timeoutMs;

  public ReadinessProbe(DependencyClients clients, long timeoutMs) {
    this.clients = clients;
    this.timeoutMs = timeoutMs;
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
            new DependencyStatus(dependency, false, elapsedMs(start), describe(err))));
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
