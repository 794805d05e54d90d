package dev.parley.gateway;

import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/** One authenticated socket of one device. Event-loop only. */
final class Session {
  /** Close codes (docs/protocol.md, "Close codes"). */
  static final short CLOSE_REPLACED = 4001;
  static final short CLOSE_REVOKED = 4003;
  static final short CLOSE_TOKEN_EXPIRED = 4005;
  static final short CLOSE_SLOW_CONSUMER = 4008;
  static final short CLOSE_GOING_AWAY = 1001;

  final UUID userId;
  final UUID deviceId;
  final String sessionId;
  final TokenBucket sends;
  /** Completes when this device's previous send was handed to the producer (see FrameHandler). */
  Future<Void> sendOrder = Future.succeededFuture();
  /** The id ({@code jti}) of the access token the socket runs on now, and the timer that closes it at its expiry. */
  String tokenId;
  long expiryTimer = -1;
  /**
   * The users whose presence this device watches (accepted subscriptions): the presence role keeps them in Redis
   * only, so the gateway re-asserts them after a Redis restart ({@link PresenceFrameHandler#reassert}).
   */
  final Set<String> presenceTargets = new LinkedHashSet<>();
  private final ServerWebSocket ws;
  private boolean closed;

  Session(UUID userId, UUID deviceId, ServerWebSocket ws, TokenBucket sends) {
    this.userId = userId;
    this.deviceId = deviceId;
    this.ws = ws;
    this.sends = sends;
    this.sessionId = UUID.randomUUID().toString();
  }

  /**
   * Queues a frame. A socket whose outbound queue is already over its bound is a slow consumer: it is closed
   * (4008) instead of being allowed to buffer without limit; its device catches up from history on reconnect.
   */
  void write(JsonObject frame) {
    writeText(frame.encode());
  }

  void writeText(String text) {
    // The socket may be gone before its close handler ran (peer reset): never let one dead socket throw out of a
    // delivery loop that serves other devices too.
    if (closed || ws.isClosed()) {
      return;
    }
    if (ws.writeQueueFull()) {
      close(CLOSE_SLOW_CONSUMER, "slow consumer: outbound queue full");
      return;
    }
    try {
      ws.writeTextMessage(text);
    } catch (IllegalStateException alreadyClosed) {
      closed = true;
    }
  }

  void close(short code, String reason) {
    if (!closed) {
      closed = true;
      ws.close(code, reason);
    }
  }

  boolean isClosed() {
    return closed;
  }

  void markClosed() {
    closed = true;
  }
}
