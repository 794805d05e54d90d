package dev.parley.client;

import dev.parley.protocol.ChainHash;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * What this device has received, per channel: hands messages to the application in seq order, once, each verified
 * against the hash chain ({@link ChannelLog}), and fetches from history whatever is missing before a message (a
 * gap) or after the last one (after a reconnect). Not thread-safe (the client's context only).
 */
final class Inbox {
  private static final Logger LOG = LoggerFactory.getLogger(Inbox.class);
  private static final long REFETCH_DELAY_MS = 300;

  private final Vertx vertx;
  private final RestApi rest;
  /** Replaced when the client refreshes its token (ParleyClient#refreshTokensWith); read on the client's context. */
  private String accessToken;
  private final UUID deviceId;
  private final Map<UUID, ChannelLog> channels = new HashMap<>();
  private final Map<UUID, Boolean> fetching = new HashMap<>();
  Consumer<Message> handler = m -> { };
  Consumer<Throwable> violationHandler = err -> LOG.error("chain violation: {}", err.getMessage());

  Inbox(Vertx vertx, RestApi rest, String accessToken, UUID deviceId) {
    this.vertx = vertx;
    this.rest = rest;
    this.accessToken = accessToken;
    this.deviceId = deviceId;
  }

  void track(UUID channelId, long lastSeq, byte[] lastHash) {
    channels.put(channelId, new ChannelLog(channelId, lastSeq, lastHash));
  }

  boolean tracks(UUID channelId) {
    return channels.containsKey(channelId);
  }

  /** Starts tracking a channel from a known position unless it is tracked already. */
  void trackIfAbsent(UUID channelId, long lastSeq, byte[] lastHash) {
    channels.computeIfAbsent(channelId, id -> new ChannelLog(id, lastSeq, lastHash));
  }

  /** The message at {@code seq} of the channel (null if there is none). */
  Future<Message> messageAt(UUID channelId, long seq) {
    return rest.history(accessToken, channelId, seq - 1, seq + 1)
        .map(list -> list.stream().filter(m -> m.seq() == seq).findFirst().orElse(null));
  }

  /** Fetches whatever the channel has beyond what this device has seen. */
  Future<Void> sync(UUID channelId) {
    return fetchGap(log(channelId), 0);
  }

  /** After a reconnect: every known channel may have moved on while the socket was down. */
  void syncAll() {
    List.copyOf(channels.values()).forEach(log -> fetchGap(log, 0));
  }

  Map<UUID, Long> lastSeqs() {
    Map<UUID, Long> out = new HashMap<>();
    channels.forEach((k, v) -> out.put(k, v.lastSeq()));
    return out;
  }

  /** A message from the socket (a {@code msg}, or the device's own send rebuilt from its ack). */
  void offer(Message m) {
    ChannelLog log = log(m.channelId());
    deliver(log, m);
    if (log.firstWaiting() > 0) {
      fetchGap(log, log.firstWaiting());
    }
  }

  private ChannelLog log(UUID channelId) {
    return channels.computeIfAbsent(channelId, id -> new ChannelLog(id, 0, ChainHash.genesis()));
  }

  private void deliver(ChannelLog log, Message m) {
    Message own = m.own() || !deviceId.equals(m.senderDevice()) ? m
        : new Message(m.channelId(), m.seq(), m.msgId(), m.hash(), m.senderUser(), m.senderDevice(), m.clientMsgId(),
            m.kind(), m.payload(), m.ts(), true);
    List<Message> ready;
    try {
      ready = log.offer(own);
    } catch (ChainViolation e) {
      violationHandler.accept(e);
      return;
    }
    ready.forEach(handler);
  }

  private Future<Void> fetchGap(ChannelLog log, long before) {
    UUID channelId = log.channelId();
    if (Boolean.TRUE.equals(fetching.put(channelId, true))) {
      return Future.succeededFuture();
    }
    return rest.history(accessToken, channelId, log.lastSeq(), before)
        .onSuccess(list -> list.forEach(m -> deliver(log, m)))
        .onFailure(err -> LOG.warn("device {}: history of {} failed: {}", deviceId, channelId, err.toString()))
        .<Void>mapEmpty()
        .eventually(() -> {
          fetching.remove(channelId);
          if (log.firstWaiting() > 0) {
            // Messages arrived behind a gap while this fetch ran (or the store had not caught up): look again.
            vertx.setTimer(REFETCH_DELAY_MS, t -> fetchGap(log, log.firstWaiting()));
          }
          return Future.succeededFuture();
        });
  }

  void token(String fresh) {
    this.accessToken = fresh;
  }
}
