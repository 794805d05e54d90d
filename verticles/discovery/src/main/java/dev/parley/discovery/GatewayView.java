package dev.parley.discovery;

import dev.parley.shared.discovery.GatewayRecord;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The live set of gateways, kept from etcd without polling: one range read, then a watch on the prefix from the
 * next revision. When the watch breaks (etcd down or restarted) the last known view stays in use and is marked
 * stale; a resync (read + watch) is retried with backoff until etcd answers, after which the view is exact
 * again. All state is touched on the verticle's context only.
 */
final class GatewayView {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayView.class);
  private static final long MAX_BACKOFF_MS = 5_000;

  private final Vertx vertx;
  private final Context context;
  private final Client etcd;
  private final ByteSequence prefix;
  private final Map<String, GatewayRecord> gateways = new TreeMap<>();
  private Watch.Watcher watcher;
  private boolean stale = true;
  private long backoffMs = 250;
  private boolean closed;
  private boolean resyncPending;
  /** Incremented per watch, so callbacks of a watch we replaced or closed are ignored. */
  private long generation;

  GatewayView(Vertx vertx, Client etcd, String keyPrefix) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.etcd = etcd;
    this.prefix = ByteSequence.from(GatewayRecord.keyPrefix(keyPrefix), StandardCharsets.UTF_8);
  }

  /** Completes after the first successful sync; if etcd is down it fails, and keeps retrying in the background. */
  Future<Void> start() {
    return resync().onFailure(err -> scheduleResync(err));
  }

  Collection<GatewayRecord> gateways() {
    return List.copyOf(gateways.values());
  }

  /** True while the view may be out of date because etcd cannot be watched. */
  boolean stale() {
    return stale;
  }

  void close() {
    closed = true;
    if (watcher != null) {
      watcher.close();
    }
  }

  private Future<Void> resync() {
    GetOption all = GetOption.builder().isPrefix(true).build();
    return Future.fromCompletionStage(etcd.getKVClient().get(prefix, all), context).map(this::replaceAll);
  }

  private Void replaceAll(GetResponse response) {
    gateways.clear();
    response.getKvs().forEach(this::upsert);
    long revision = response.getHeader().getRevision();
    if (watcher != null) {
      watcher.close();
    }
    WatchOption option = WatchOption.builder().isPrefix(true).withRevision(revision + 1).build();
    long gen = ++generation;
    watcher = etcd.getWatchClient().watch(prefix, option, Watch.listener(
        r -> context.runOnContext(v -> {
          if (gen == generation) {
            apply(r);
          }
        }),
        err -> context.runOnContext(v -> {
          if (gen == generation) {
            scheduleResync(err);
          }
        }),
        () -> context.runOnContext(v -> {
          if (gen == generation) {
            scheduleResync(new IllegalStateException("watch completed"));
          }
        })));
    if (stale) {
      LOG.info("gateway view synced from etcd: {} gateways {}", gateways.size(), gateways.keySet());
    }
    stale = false;
    backoffMs = 250;
    return null;
  }

  private void apply(WatchResponse response) {
    for (WatchEvent event : response.getEvents()) {
      if (event.getEventType() == WatchEvent.EventType.PUT) {
        upsert(event.getKeyValue());
      } else if (event.getEventType() == WatchEvent.EventType.DELETE) {
        String nodeId = nodeIdOf(event.getKeyValue());
        if (gateways.remove(nodeId) != null) {
          LOG.info("gateway {} left (lease expired or deregistered)", nodeId);
        }
      }
    }
  }

  private void upsert(KeyValue kv) {
    String nodeId = nodeIdOf(kv);
    try {
      GatewayRecord record = GatewayRecord.fromJson(kv.getValue().toString(StandardCharsets.UTF_8));
      if (!record.nodeId().equals(nodeId)) {
        throw new IllegalArgumentException("key names " + nodeId + " but the record says " + record.nodeId());
      }
      if (gateways.put(nodeId, record) == null) {
        LOG.info("gateway {} joined at {} (region {}, capacity {})", nodeId, record.url(), record.region(), record.capacity());
      }
    } catch (IllegalArgumentException e) {
      LOG.warn("ignoring malformed gateway record {}: {}", kv.getKey().toString(StandardCharsets.UTF_8), e.getMessage());
    }
  }

  private String nodeIdOf(KeyValue kv) {
    String key = kv.getKey().toString(StandardCharsets.UTF_8);
    return key.substring(prefix.toString(StandardCharsets.UTF_8).length());
  }

  private void scheduleResync(Throwable cause) {
    if (closed || resyncPending) {
      return;
    }
    generation++;
    if (!stale) {
      LOG.warn("etcd watch lost ({}); serving the last known view of {} gateways until etcd is back",
          cause.getMessage(), gateways.size());
      stale = true;
    }
    if (watcher != null) {
      watcher.close();
      watcher = null;
    }
    long delay = backoffMs;
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    resyncPending = true;
    vertx.setTimer(delay, id -> {
      resyncPending = false;
      if (!closed) {
        resync().onFailure(this::scheduleResync);
      }
    });
  }
}
