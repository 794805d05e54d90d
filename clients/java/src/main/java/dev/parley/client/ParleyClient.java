package dev.parley.client;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A Parley device connection (docs/protocol.md): connects to one of several gateways and fails over to the next
 * when the socket drops; sends with a clientMsgId and re-sends every unacknowledged send after a reconnect (and
 * periodically while waiting), which the server de-duplicates; delivers each channel's messages to the handler in
 * seq order exactly once, each verified against the hash chain, filling any gap from history. All state lives on
 * one Vert.x context; public methods may be called from any thread.
 */
public final class ParleyClient {
  private static final Logger LOG = LoggerFactory.getLogger(ParleyClient.class);
  private static final long RESEND_AFTER_MS = 5_000;
  private static final long PING_MS = 15_000;
  private static final int CLOSE_REVOKED = 4003;

  /** Where to connect and as whom. */
  public record Options(List<String> gatewayUrls, String restBaseUrl, UUID userId, UUID deviceId, String accessToken) {
  }

  private final Vertx vertx;
  private final Context ctx;
  private final Options options;
  private final WebSocketClient wsClient;
  private final RestApi rest;
  private final Outbox outbox;
  private final Map<UUID, ChannelLog> channels = new HashMap<>();
  private final Map<UUID, Boolean> fetching = new HashMap<>();
  private final List<JsonObject> errors = new CopyOnWriteArrayList<>();
  private Consumer<Message> handler = m -> { };
  private Consumer<JsonObject> frameListener = f -> { };
  private Consumer<Throwable> violationHandler = err -> LOG.error("chain violation: {}", err.getMessage());
  private WebSocket ws;
  private boolean ready;
  private boolean closing;
  private volatile int lastCloseCode = -1;
  private int urlIndex;
  private int connects;
  private String gatewayNode;
  private Promise<Void> firstReady = Promise.promise();

  private ParleyClient(Vertx vertx, Options options) {
    this.vertx = vertx;
    this.ctx = vertx.getOrCreateContext();
    this.options = options;
    this.wsClient = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(4 * 1024 * 1024)
        .setMaxFrameSize(4 * 1024 * 1024).setConnectTimeout(3_000));
    this.rest = new RestApi(WebClient.create(vertx), options.restBaseUrl());
    this.outbox = new Outbox(vertx, RESEND_AFTER_MS, this::write);
  }

  public static ParleyClient create(Vertx vertx, Options options) {
    return new ParleyClient(vertx, options);
  }

  /** Sets the handler of verified, in-order messages (called on the client's context). */
  public ParleyClient onMessage(Consumer<Message> handler) {
    this.handler = handler;
    return this;
  }

  /** Sees every frame the gateway sends, before any processing (diagnostics and tests). */
  public ParleyClient onFrame(Consumer<JsonObject> listener) {
    this.frameListener = listener;
    return this;
  }

  public ParleyClient onChainViolation(Consumer<Throwable> handler) {
    this.violationHandler = handler;
    return this;
  }

  /** Connects; completes at the first {@code ready}. Later drops reconnect on their own until {@link #close}. */
  public Future<Void> connect() {
    return onCtx(() -> {
      dial();
      return firstReady.future();
    });
  }

  /** Sends with a fresh clientMsgId; completes with the ack (after any number of reconnects). */
  public Future<Ack> send(UUID channelId, String kind, byte[] payload) {
    return send(channelId, UUID.randomUUID().toString(), kind, payload);
  }

  public Future<Ack> send(UUID channelId, String clientMsgId, String kind, byte[] payload) {
    return onCtx(() -> outbox.send(channelId, clientMsgId, kind, payload));
  }

  /** Writes any text frame as is (tests of the server's refusals). */
  public Future<Void> sendRaw(String text) {
    return onCtx(() -> ws == null ? Future.failedFuture("not connected") : ws.writeTextMessage(text));
  }

  /** Starts tracking a channel from a known position (default: from its beginning). */
  public Future<Void> track(UUID channelId, long lastSeq, byte[] lastHash) {
    return onCtx(() -> {
      channels.put(channelId, new ChannelLog(channelId, lastSeq, lastHash));
      return Future.succeededFuture();
    });
  }

  /** Fetches and delivers whatever the channel has beyond what this device has seen. */
  public Future<Void> sync(UUID channelId) {
    return onCtx(() -> fetchGap(log(channelId), 0));
  }

  /** Error frames received (for diagnostics and tests). */
  public List<JsonObject> errors() {
    return errors;
  }

  public int connects() {
    return connects;
  }

  public String gatewayNode() {
    return gatewayNode;
  }

  public Future<Integer> pendingCount() {
    return onCtx(() -> Future.succeededFuture(outbox.size()));
  }

  public Future<Void> close() {
    return onCtx(() -> {
      closing = true;
      return ws == null ? Future.succeededFuture() : ws.close();
    });
  }

  private void dial() {
    String url = options.gatewayUrls().get(urlIndex % options.gatewayUrls().size());
    WebSocketConnectOptions connect = new WebSocketConnectOptions().setAbsoluteURI(url)
        .addHeader("Authorization", "Bearer " + options.accessToken());
    wsClient.connect(connect).onComplete(ar -> {
      if (ar.succeeded() && !closing) {
        attach(ar.result());
      } else if (!closing) {
        LOG.debug("device {}: connect to {} failed: {}", options.deviceId(), url, ar.cause().toString());
        redial();
      }
    });
  }

  private void redial() {
    urlIndex++;
    vertx.setTimer(200L + Math.min(connects, 5) * 100L, t -> {
      if (!closing && ws == null) {
        dial();
      }
    });
  }

  private void attach(WebSocket socket) {
    ws = socket;
    socket.textMessageHandler(this::onFrame);
    socket.exceptionHandler(err -> LOG.debug("device {}: socket error {}", options.deviceId(), err.toString()));
    socket.closeHandler(v -> closed(socket, -1));
  }

  private void closed(WebSocket socket, long pingTimer) {
    vertx.cancelTimer(pingTimer);
    if (ws == socket) {
      ws = null;
      ready = false;
      lastCloseCode = socket.closeStatusCode() == null ? -1 : socket.closeStatusCode();
      if (lastCloseCode == CLOSE_REVOKED) {
        // The device was removed: its token is refused from now on, reconnecting cannot help.
        closing = true;
      }
      if (!closing) {
        redial();
      }
    }
  }

  /** The close code of the last socket that closed (-1: none, or closed without a code). */
  public int lastCloseCode() {
    return lastCloseCode;
  }

  private void onFrame(String text) {
    JsonObject f = new JsonObject(text);
    frameListener.accept(f);
    switch (f.getString("type", "")) {
      case "ready" -> onReady(f);
      case "ack" -> onAck(f);
      case "msg" -> offer(Message.fromJson(f));
      case "error" -> onError(f);
      default -> { }
    }
  }

  private void onReady(JsonObject f) {
    ready = true;
    connects++;
    gatewayNode = f.getString("nodeId");
    outbox.transmitAll();
    List.copyOf(channels.values()).forEach(log -> fetchGap(log, 0));
    long timer = vertx.setPeriodic(PING_MS, t -> {
      if (ws != null) {
        ws.writeTextMessage(new JsonObject().put("type", "ping").encode());
      }
    });
    WebSocket socket = ws;
    socket.closeHandler(v -> closed(socket, timer));
    vertx.setPeriodic(1_000, t -> {
      if (ws != socket) {
        vertx.cancelTimer(t);
        return;
      }
      outbox.resendStale(System.currentTimeMillis());
    });
    firstReady.tryComplete();
  }

  private boolean write(String frame) {
    if (ws == null || !ready) {
      return false;
    }
    ws.writeTextMessage(frame);
    return true;
  }

  private void onAck(JsonObject f) {
    Message own = outbox.onAck(f, options.userId(), options.deviceId());
    if (own != null) {
      offer(own);
    }
  }

  private void onError(JsonObject f) {
    errors.add(f);
    outbox.onError(f);
  }

  private ChannelLog log(UUID channelId) {
    return channels.computeIfAbsent(channelId, id -> new ChannelLog(id, 0, ChainHash.genesis()));
  }

  private void offer(Message m) {
    ChannelLog log = log(m.channelId());
    deliver(log, m);
    if (log.firstWaiting() > 0) {
      fetchGap(log, log.firstWaiting());
    }
  }

  private void deliver(ChannelLog log, Message m) {
    Message own = m.own() || !options.deviceId().equals(m.senderDevice()) ? m
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
    long after = log.lastSeq();
    return rest.history(options.accessToken(), channelId, after, before)
        .onSuccess(list -> list.forEach(m -> deliver(log, m)))
        .onFailure(err -> LOG.warn("device {}: history of {} failed: {}", options.deviceId(), channelId, err.toString()))
        .<Void>mapEmpty()
        .eventually(() -> {
          fetching.remove(channelId);
          if (log.firstWaiting() > 0) {
            // Messages arrived behind a gap while this fetch ran (or the store had not caught up): look again.
            vertx.setTimer(300, t -> fetchGap(log, log.firstWaiting()));
          }
          return Future.succeededFuture();
        });
  }

  private <T> Future<T> onCtx(Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    ctx.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }

  /** Snapshot of the channels' last seqs (diagnostics). */
  public Future<Map<UUID, Long>> lastSeqs() {
    return onCtx(() -> {
      Map<UUID, Long> out = new HashMap<>();
      channels.forEach((k, v) -> out.put(k, v.lastSeq()));
      return Future.succeededFuture(out);
    });
  }
}
