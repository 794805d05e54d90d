package dev.parley.gateway;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket size limit ({@code gateway.maxFrameBytes}) and what a client sees when it exceeds it: close code
 * 1009 (message too big), documented in docs/protocol.md. Left alone, Vert.x drops the TCP connection without a
 * close frame when one frame is over the limit (1006 at the client) and silently discards a fragmented message
 * over it (socket open, no answer) — each only raising an exception on the socket, which this turns into the close.
 */
final class FrameLimit {
  private static final Logger LOG = LoggerFactory.getLogger(FrameLimit.class);
  static final short MESSAGE_TOO_BIG = 1009;

  private FrameLimit() {
  }

  /** The same limit for one frame and for a whole (fragmented) message. */
  static HttpServerOptions apply(HttpServerOptions options, int maxBytes) {
    return options.setMaxWebSocketFrameSize(maxBytes).setMaxWebSocketMessageSize(maxBytes);
  }

  /** Installs the socket's exception handler: oversized input closes with 1009; anything else is logged. */
  static void closeWhenExceeded(ServerWebSocket ws, Object device) {
    ws.exceptionHandler(err -> {
      if (err instanceof CorruptedWebSocketFrameException corrupt) {
        // One frame over the limit (status 1009) or another protocol violation (1002): the codec is about to close
        // the connection, so the close frame must go now.
        closeQuietly(ws, (short) corrupt.closeStatus().code(), "frame rejected: " + corrupt.getMessage());
      } else if (err instanceof IllegalStateException && String.valueOf(err.getMessage()).contains("max message size")) {
        // Vert.x's message aggregator refused a fragment that would overflow gateway.maxFrameBytes.
        closeQuietly(ws, MESSAGE_TOO_BIG, "message over the size limit");
      } else {
        LOG.debug("device {}: socket error: {}", device, err.toString());
      }
    });
  }

  private static void closeQuietly(ServerWebSocket ws, short code, String reason) {
    if (!ws.isClosed()) {
      // A close reason is at most 123 bytes.
      ws.close(code, reason.length() > 120 ? reason.substring(0, 120) : reason);
    }
  }
}
