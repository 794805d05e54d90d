package dev.parley.client;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The device's socket: dials a gateway (from the configured list in turn, or as service discovery assigns), keeps
 * it alive with pings, and when it drops dials again after a short back-off — unless the device was removed (4003)
 * or the client is closing; a socket closed for an expired token (4005) first renews the token when it can. Lives on
 * the client's context.
 */
final class Connection {
  private static final Logger LOG = LoggerFactory.getLogger(Connection.class);
  private static final long PING_MS = 15_000;
  private static final int CLOSE_REVOKED = 4003;
  private static final int CLOSE_TOKEN_EXPIRED = 4005;

  private final Vertx vertx;
  private final List<String> gatewayUrls;
  private final UUID deviceId;
  private final RestApi rest;
  private final TokenRefresher tokens;
  private final Consumer<String> frames;
  private final WebSocketClient wsClient;
  Consumer<Throwable> connectFailureListener = err -> { };
  IntConsumer closeListener = code -> { };
  private WebSocket ws;
  private boolean ready;
  private boolean closing;
  private volatile int lastCloseCode = -1;
  private int urlIndex;
  private int connects;
  private String gatewayNode;

  Connection(Vertx vertx, ParleyClient.Options options, RestApi rest, TokenRefresher tokens, Consumer<String> frames) {
    this.vertx = vertx;
    this.gatewayUrls = options.gatewayUrls();
    this.deviceId = options.deviceId();
    this.rest = rest;
    this.tokens = tokens;
    this.frames = frames;
    this.wsClient = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(4 * 1024 * 1024)
        .setMaxFrameSize(4 * 1024 * 1024).setConnectTimeout(3_000));
  }

  int connects() {
    return connects;
  }

  String gatewayNode() {
    return gatewayNode;
  }

  int lastCloseCode() {
    return lastCloseCode;
  }

  void dial() {
    Future<String> target = gatewayUrls.isEmpty()
        ? rest.gateway(tokens.token(), gatewayNode)
        : Future.succeededFuture(gatewayUrls.get(urlIndex % gatewayUrls.size()));
    target.onComplete(t -> {
      if (t.succeeded()) {
        dial(t.result());
      } else if (!closing) {
        LOG.debug("device {}: no gateway assignment yet: {}", deviceId, t.cause().toString());
        connectFailureListener.accept(t.cause());
        redial();
      }
    });
  }

  /** The gateway said {@code ready}: count it, keep the socket alive, run {@code everySecond} while it lasts. */
  void readied(JsonObject f, Runnable everySecond) {
    ready = true;
    connects++;
    gatewayNode = f.getString("nodeId");
    long timer = vertx.setPeriodic(PING_MS, t -> writeAny(new JsonObject().put("type", "ping").encode()));
    WebSocket socket = ws;
    socket.closeHandler(v -> closed(socket, timer));
    vertx.setPeriodic(1_000, t -> {
      if (ws != socket) {
        vertx.cancelTimer(t);
        return;
      }
      everySecond.run();
    });
  }

  /** Writes on a ready socket; false when there is none. */
  boolean write(String frame) {
    if (ws == null || !ready) {
      return false;
    }
    ws.writeTextMessage(frame);
    return true;
  }

  /** Writes on any open socket, ready or not (pings, auth, raw test frames); false when there is none. */
  boolean writeAny(String frame) {
    if (ws == null) {
      return false;
    }
    ws.writeTextMessage(frame);
    return true;
  }

  /** Drops the socket as a network failure would (the client dials again). */
  Future<Void> drop() {
    return ws == null ? Future.succeededFuture() : ws.close();
  }

  Future<Void> close() {
    closing = true;
    return ws == null ? Future.succeededFuture() : ws.close();
  }

  private void dial(String url) {
    WebSocketConnectOptions connect = new WebSocketConnectOptions().setAbsoluteURI(url)
        .addHeader("Authorization", "Bearer " + tokens.token());
    wsClient.connect(connect).onComplete(ar -> {
      if (ar.succeeded() && !closing) {
        attach(ar.result());
      } else if (!closing) {
        LOG.debug("device {}: connect to {} failed: {}", deviceId, url, ar.cause().toString());
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
    socket.textMessageHandler(frames::accept);
    socket.exceptionHandler(err -> LOG.debug("device {}: socket error {}", deviceId, err.toString()));
    socket.closeHandler(v -> closed(socket, -1));
  }

  private void closed(WebSocket socket, long pingTimer) {
    vertx.cancelTimer(pingTimer);
    if (ws != socket) {
      return;
    }
    ws = null;
    ready = false;
    lastCloseCode = socket.closeStatusCode() == null ? -1 : socket.closeStatusCode();
    closeListener.accept(lastCloseCode);
    if (lastCloseCode == CLOSE_REVOKED) {
      // The device was removed: its token is refused from now on, reconnecting cannot help.
      closing = true;
    }
    if (lastCloseCode == CLOSE_TOKEN_EXPIRED && tokens.renewable() && !closing) {
      // Refreshing over the socket did not make it in time: reconnect with a fresh token.
      tokens.renewNow().onComplete(ar -> redial());
    } else if (!closing) {
      redial();
    }
  }
}
