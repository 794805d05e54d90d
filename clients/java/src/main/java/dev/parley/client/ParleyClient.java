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

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
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
  private static final int CLOSE_TOKEN_EXPIRED = 4005;
  /** A fresh token is fetched and sent over the socket at this share of the current one's remaining lifetime. */
  private static final double REFRESH_AT = 0.8;
  private static final long REFRESH_RETRY_MS = 5_000;

  /**
   * Where to connect and as whom. With an empty {@code gatewayUrls} the client asks service discovery
   * ({@code GET /v1/gateway} on {@code restBaseUrl}) before every connect, so after losing a gateway it lands on
   * one that is alive and not draining; with URLs it cycles through them.
   */
  public record Options(List<String> gatewayUrls, String restBaseUrl, UUID userId, UUID deviceId, String accessToken) {
  }

  private final Vertx vertx;
  private final WebClient web;
  private final Context ctx;
  private final Options options;
  private final WebSocketClient wsClient;
  private final RestApi rest;
  private final Outbox outbox;
  private final Inbox inbox;
  private final List<JsonObject> errors = new CopyOnWriteArrayList<>();
  private Consumer<JsonObject> frameListener = f -> { };
  private Consumer<Throwable> connectFailureListener = err -> { };
  private IntConsumer closeListener = code -> { };
  private WebSocket ws;
  private boolean ready;
  private boolean closing;
  private volatile int lastCloseCode = -1;
  private int urlIndex;
  private int connects;
  private String gatewayNode;
  private Promise<Void> firstReady = Promise.promise();
  private Consumer<Message> messageHandler = m -> { };
  private BiConsumer<Message, Throwable> undecryptableHandler = (m, err) -> { };
  private Path e2eeDir;
  private E2ee e2ee;
  private volatile String accessToken;
  private Supplier<Future<String>> tokenSource;
  private long refreshTimer = -1;

  private ParleyClient(Vertx vertx, Options options, WebClient web) {
    this.vertx = vertx;
    this.web = web;
    this.ctx = vertx.getOrCreateContext();
    this.options = options;
    this.accessToken = options.accessToken();
    this.wsClient = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(4 * 1024 * 1024)
        .setMaxFrameSize(4 * 1024 * 1024).setConnectTimeout(3_000));
    this.rest = new RestApi(web, options.restBaseUrl());
    this.outbox = new Outbox(vertx, RESEND_AFTER_MS, this::write);
    this.inbox = new Inbox(vertx, rest, options.accessToken(), options.deviceId());
    inbox.handler = m -> {
      if (e2ee == null) {
        messageHandler.accept(m);
      } else {
        e2ee.inbound.offer(m);
      }
    };
  }

  public static ParleyClient create(Vertx vertx, Options options) {
    return new ParleyClient(vertx, options, WebClient.create(vertx));
  }

  /**
   * Like {@link #create(Vertx, Options)}, but the REST calls (history, gateway assignment) go through {@code web},
   * which many clients may share: a process holding thousands of devices (a load generator) then keeps one HTTP
   * connection pool instead of one per device. The client never closes {@code web}.
   */
  public static ParleyClient create(Vertx vertx, Options options, WebClient web) {
    return new ParleyClient(vertx, options, web);
  }

  /**
   * Sets the handler of verified, in-order messages (called on the client's context). With E2EE on, application
   * messages arrive decrypted and commits are not shown.
   */
  public ParleyClient onMessage(Consumer<Message> handler) {
    this.messageHandler = handler;
    return this;
  }

  /**
   * Turns end-to-end encryption on (call before {@link #connect}): the device's MLS state lives in {@code stateDir}
   * (created if absent; one directory per device), every application message is sent as an MLS PrivateMessage and
   * received decrypted. See {@link #e2ee()} for groups, members and safety numbers.
   */
  public ParleyClient enableE2ee(Path stateDir) {
    this.e2eeDir = stateDir;
    return this;
  }

  /** The E2EE side of the client (after {@link #connect} completed with E2EE enabled), else null. */
  public E2ee e2ee() {
    return e2ee;
  }

  /** Sees every message this device cannot decrypt (sent before it joined, after its removal, or forged). */
  public ParleyClient onUndecryptable(BiConsumer<Message, Throwable> handler) {
    this.undecryptableHandler = handler;
    return this;
  }

  /** Sees every frame the gateway sends, before any processing (diagnostics and tests). */
  public ParleyClient onFrame(Consumer<JsonObject> listener) {
    this.frameListener = listener;
    return this;
  }

  /** Sees every failed connect attempt (refused upgrade, timeout, no gateway assigned), before the retry. */
  public ParleyClient onConnectFailure(Consumer<Throwable> listener) {
    this.connectFailureListener = listener;
    return this;
  }

  /** Sees every socket that closed, with its close code (-1: none), before any reconnect. */
  public ParleyClient onSocketClosed(IntConsumer listener) {
    this.closeListener = listener;
    return this;
  }

  /**
   * Keeps the socket open past its access token's expiry (docs/protocol.md, "Token expiry"): at 80 % of the current
   * token's remaining lifetime the client takes a new one from {@code freshToken} (e.g. {@link RestApi#refresher}),
   * sends it in an {@code auth} frame and uses it from then on, for reconnects and history too. Without it the
   * gateway closes the socket with 4005 when the token expires.
   */
  public ParleyClient refreshTokensWith(Supplier<Future<String>> freshToken) {
    this.tokenSource = freshToken;
    return this;
  }

  /** The access token the client uses now (changes when it refreshed). */
  public String accessToken() {
    return accessToken;
  }

  public ParleyClient onChainViolation(Consumer<Throwable> handler) {
    inbox.violationHandler = handler;
    return this;
  }

  /** Connects; completes at the first {@code ready}. Later drops reconnect on their own until {@link #close}. */
  public Future<Void> connect() {
    return onCtx(() -> openE2ee().compose(v -> {
      dial();
      return firstReady.future();
    }));
  }

  private Future<Void> openE2ee() {
    if (e2eeDir == null || e2ee != null) {
      return Future.succeededFuture();
    }
    return E2ee.open(vertx, ctx, web, options, e2eeDir, outbox, inbox).map(opened -> {
      e2ee = opened;
      e2ee.inbound.handler = m -> messageHandler.accept(m);
      e2ee.inbound.undecryptable = (m, err) -> undecryptableHandler.accept(m, err);
      return null;
    });
  }


  /** Sends with a fresh clientMsgId; completes with the ack (after any number of reconnects). */
  public Future<Ack> send(UUID channelId, String kind, byte[] payload) {
    return send(channelId, UUID.randomUUID().toString(), kind, payload);
  }

  /** With E2EE on, an {@code application} payload is the plaintext: it is encrypted for the channel's group. */
  public Future<Ack> send(UUID channelId, String clientMsgId, String kind, byte[] payload) {
    return onCtx(() -> e2ee != null && "application".equals(kind)
        ? e2ee.outbound.send(channelId, clientMsgId, payload)
        : outbox.send(channelId, clientMsgId, kind, payload));
  }

  /** Writes any text frame as is (tests of the server's refusals). */
  public Future<Void> sendRaw(String text) {
    return onCtx(() -> ws == null ? Future.failedFuture("not connected") : ws.writeTextMessage(text));
  }

  /** Starts tracking a channel from a known position (default: from its beginning). */
  public Future<Void> track(UUID channelId, long lastSeq, byte[] lastHash) {
    return onCtx(() -> {
      inbox.track(channelId, lastSeq, lastHash);
      return Future.succeededFuture();
    });
  }

  /** Fetches and delivers whatever the channel has beyond what this device has seen. */
  public Future<Void> sync(UUID channelId) {
    return onCtx(() -> inbox.sync(channelId));
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

  /**
   * Drops the current socket as a network failure would: the client reconnects on its own, re-sends what is
   * unacknowledged and syncs its channels (reconnect-storm tests). A no-op while no socket is open.
   */
  public Future<Void> disconnect() {
    return onCtx(() -> ws == null ? Future.succeededFuture() : ws.close());
  }

  public Future<Void> close() {
    return onCtx(() -> {
      closing = true;
      return ws == null ? Future.succeededFuture() : ws.close();
    });
  }

  private void dial() {
    Future<String> target = options.gatewayUrls().isEmpty()
        ? rest.gateway(accessToken, gatewayNode)
        : Future.succeededFuture(options.gatewayUrls().get(urlIndex % options.gatewayUrls().size()));
    target.onComplete(t -> {
      if (t.succeeded()) {
        dial(t.result());
      } else if (!closing) {
        LOG.debug("device {}: no gateway assignment yet: {}", options.deviceId(), t.cause().toString());
        connectFailureListener.accept(t.cause());
        redial();
      }
    });
  }

  private void dial(String url) {
    WebSocketConnectOptions connect = new WebSocketConnectOptions().setAbsoluteURI(url)
        .addHeader("Authorization", "Bearer " + accessToken);
    wsClient.connect(connect).onComplete(ar -> {
      if (ar.succeeded() && !closing) {
        attach(ar.result());
      } else if (!closing) {
        LOG.debug("device {}: connect to {} failed: {}", options.deviceId(), url, ar.cause().toString());
        connectFailureListener.accept(ar.cause());
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
      closeListener.accept(lastCloseCode);
      if (lastCloseCode == CLOSE_REVOKED) {
        // The device was removed: its token is refused from now on, reconnecting cannot help.
        closing = true;
      }
      if (lastCloseCode == CLOSE_TOKEN_EXPIRED && tokenSource != null && !closing) {
        // Refreshing over the socket did not make it in time: reconnect with a fresh token.
        tokenSource.get().onSuccess(this::useToken).onComplete(ar -> redial());
      } else if (!closing) {
        redial();
      }
    }
  }

  /** Arms the next refresh at {@link #REFRESH_AT} of the current token's remaining lifetime. */
  private void scheduleRefresh(long delayOverrideMs) {
    vertx.cancelTimer(refreshTimer);
    long exp = expiresAtMs(accessToken);
    if (tokenSource == null || exp < 0) {
      return;
    }
    long delay = delayOverrideMs >= 0 ? delayOverrideMs
        : Math.max(1_000, (long) ((exp - System.currentTimeMillis()) * REFRESH_AT));
    refreshTimer = vertx.setTimer(delay, t -> tokenSource.get().onComplete(ar -> {
      if (ar.succeeded()) {
        useToken(ar.result());
        if (ws != null) {
          ws.writeTextMessage(new JsonObject().put("type", "auth").put("token", ar.result()).encode());
        }
      } else {
        LOG.debug("device {}: token refresh failed, retrying: {}", options.deviceId(), ar.cause().toString());
        scheduleRefresh(REFRESH_RETRY_MS);
      }
    }));
  }

  private void useToken(String fresh) {
    accessToken = fresh;
    inbox.token(fresh);
  }

  /** The {@code exp} of a JWT in epoch ms, or -1 when it cannot be read (then no refresh is scheduled). */
  static long expiresAtMs(String token) {
    try {
      String[] parts = token.split("\\.");
      JsonObject claims = new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(parts[1]),
          java.nio.charset.StandardCharsets.UTF_8));
      return claims.getLong("exp") * 1_000;
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** The close code of the last socket that closed (-1: none, or closed without a code). */
  public int lastCloseCode() {
    return lastCloseCode;
  }

  private void onFrame(String text) {
    JsonObject f = new JsonObject(text);
    frameListener.accept(f);
    if (e2ee != null && e2ee.onFrame(f)) {
      return;
    }
    switch (f.getString("type", "")) {
      case "ready" -> onReady(f);
      case "ack" -> onAck(f);
      case "msg" -> inbox.offer(Message.fromJson(f));
      case "error" -> onError(f);
      case "auth.ok" -> scheduleRefresh(-1);
      default -> { }
    }
  }

  private void onReady(JsonObject f) {
    ready = true;
    connects++;
    gatewayNode = f.getString("nodeId");
    outbox.transmitAll();
    inbox.syncAll();
    if (e2ee != null) {
      e2ee.connected();
    }
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
    scheduleRefresh(-1);
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
      inbox.offer(own);
    }
  }

  private void onError(JsonObject f) {
    errors.add(f);
    outbox.onError(f);
  }

  private <T> Future<T> onCtx(Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    ctx.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }

  /** Snapshot of the channels' last seqs (diagnostics). */
  public Future<Map<UUID, Long>> lastSeqs() {
    return onCtx(() -> Future.succeededFuture(inbox.lastSeqs()));
  }
}
