package dev.parley.shared.discovery;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * Keeps one gateway registered in etcd: its record lives under a lease kept alive by jetcd, and is re-put every
 * refresh period with the live load. A gateway that dies stops renewing, so etcd deletes its record when the
 * lease TTL runs out; one shutting down revokes the lease first ({@link #deregister()}). When etcd is away the
 * registration retries on each refresh and re-registers under a new lease once etcd answers again.
 */
public final class GatewayRegistration {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayRegistration.class);

  /** Live load of the gateway: connections and event-loop lag in ms. */
  public record Load(int connections, long eventLoopLagMs) {
  }

  private final Vertx vertx;
  private final Context context;
  private final Client etcd;
  private final String key;
  private final long leaseTtlSeconds;
  private final long refreshMs;
  private final Supplier<Load> load;
  private final Clock clock;
  private GatewayRecord record;
  private long leaseId;
  private CloseableClient keepAlive;
  private long timer = -1;
  private boolean stopped;
  private boolean warnedDown;

  public GatewayRegistration(Vertx vertx, Client etcd, String keyPrefix, GatewayRecord initial, long leaseTtlSeconds,
                             long refreshMs, Supplier<Load> load, Clock clock) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.etcd = etcd;
    this.key = GatewayRecord.key(keyPrefix, initial.nodeId());
    this.record = initial;
    this.leaseTtlSeconds = leaseTtlSeconds;
    this.refreshMs = refreshMs;
    this.load = load;
    this.clock = clock;
  }

  /**
   * Registers now and keeps refreshing. Completes when the first registration is stored; fails (and keeps
   * retrying in the background) when etcd cannot be reached, so a gateway may start while etcd is down.
   */
  public Future<Void> start() {
    timer = vertx.setPeriodic(refreshMs, id -> refresh());
    return register();
  }

  /** Marks the gateway draining so discovery stops assigning it; stored at once. */
  public Future<Void> drain() {
    record = record.asDraining(clock.millis());
    return put();
  }

  public boolean draining() {
    return record.draining();
  }

  /** Stops refreshing and revokes the lease, which deletes the record at once. */
  public Future<Void> deregister() {
    stopped = true;
    vertx.cancelTimer(timer);
    if (keepAlive != null) {
      keepAlive.close();
    }
    if (leaseId == 0) {
      return Future.succeededFuture();
    }
    return Future.fromCompletionStage(etcd.getLeaseClient().revoke(leaseId), context).mapEmpty();
  }

  private void refresh() {
    if (stopped) {
      return;
    }
    Load now = load.get();
    record = record.withLoad(now.connections(), now.eventLoopLagMs(), clock.millis());
    (leaseId == 0 ? register() : put()).onFailure(err -> {
      if (!warnedDown) {
        LOG.warn("gateway {}: cannot refresh its etcd registration ({}); retrying every {} ms", record.nodeId(),
            err.getMessage(), refreshMs);
        warnedDown = true;
      }
      // The lease may have expired while etcd was away: register again under a new one.
      leaseId = 0;
    });
  }

  private Future<Void> register() {
    return Future.fromCompletionStage(etcd.getLeaseClient().grant(leaseTtlSeconds), context)
        .compose(grant -> {
          leaseId = grant.getID();
          if (keepAlive != null) {
            keepAlive.close();
          }
          keepAlive = etcd.getLeaseClient().keepAlive(leaseId, new KeepAliveObserver(leaseId));
          return put();
        })
        .onSuccess(v -> {
          if (warnedDown) {
            LOG.info("gateway {}: registered in etcd again", record.nodeId());
            warnedDown = false;
          }
        });
  }

  private Future<Void> put() {
    if (leaseId == 0) {
      return Future.failedFuture("not registered yet");
    }
    ByteSequence k = ByteSequence.from(key, StandardCharsets.UTF_8);
    ByteSequence v = ByteSequence.from(record.toJson().encode(), StandardCharsets.UTF_8);
    return Future.fromCompletionStage(etcd.getKVClient().put(k, v, PutOption.builder().withLeaseId(leaseId).build()),
        context).mapEmpty();
  }

  /** jetcd calls this from its own threads; it only logs, the periodic refresh does the recovery. */
  private final class KeepAliveObserver implements StreamObserver<LeaseKeepAliveResponse> {
    private final long lease;

    KeepAliveObserver(long lease) {
      this.lease = lease;
    }

    @Override
    public void onNext(LeaseKeepAliveResponse value) {
      // Renewed.
    }

    @Override
    public void onError(Throwable t) {
      LOG.debug("gateway keep-alive of lease {} failed: {}", lease, t.getMessage());
    }

    @Override
    public void onCompleted() {
      // The lease is gone (revoked or expired).
    }
  }
}
