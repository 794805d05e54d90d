package dev.parley.gateway;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;

import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A socket whose reader stops reading is closed with 4008 once its outbound queue is full, not buffered forever. */
class SessionSlowConsumerTest {
  private final Vertx vertx = Vertx.vertx();
  /** Held in a field: Vert.x closes a client that becomes unreachable, and its sockets with it. */
  private WebSocketClient wsClient;

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("a reader that stops reading is disconnected with close code 4008 (slow consumer)")
  void slowConsumerIsClosed() throws Exception {
    AtomicReference<Promise<Session>> session = new AtomicReference<>(Promise.promise());
    HttpServer server = vertx.createHttpServer().webSocketHandler(ws -> {
      ws.setWriteQueueMaxSize(16 * 1024);
      session.get().tryComplete(new Session(UUID.randomUUID(), UUID.randomUUID(), ws, new TokenBucket(1, 1, 0)));
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    WebSocket client = connect(server.actualPort(), session);
    Promise<Short> closeCode = Promise.promise();
    AtomicInteger frames = new AtomicInteger();
    client.textMessageHandler(t -> frames.incrementAndGet());
    client.closeHandler(v -> closeCode.tryComplete(client.closeStatusCode()));
    client.pause();

    Session s = session.get().future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    String frame = "{\"type\":\"msg\",\"payload\":\"" + "A".repeat(8_000) + "\"}";
    Promise<Integer> written = Promise.promise();
    // Write from the socket's own context, as deliveries do, until the session gives up on the reader.
    vertx.runOnContext(v -> writeUntilClosed(s, frame, 0, written));
    int sent = written.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

    assertThat(s.isClosed()).isTrue();
    assertThat(sent).as("bounded: the session stopped queueing").isLessThan(100_000);
    client.resume();
    assertThat(closeCode.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS))
        .isEqualTo(Session.CLOSE_SLOW_CONSUMER);
  }

  /**
   * Connects, retrying (at most 3 attempts) when the handshake itself is cut: seen rarely on a loaded CI machine,
   * and not what this test is about. Each attempt gets a fresh server-side session promise.
   */
  private WebSocket connect(int port, AtomicReference<Promise<Session>> session) throws Exception {
    for (int attempt = 1; ; attempt++) {
      session.set(Promise.promise());
      try {
        wsClient = vertx.createWebSocketClient();
        return wsClient.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
            .setURI("/ws")).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (attempt == 3 || !(e.getCause() instanceof WebSocketHandshakeException)) {
          throw e;
        }
      }
    }
  }

  private void writeUntilClosed(Session s, String frame, int sent, Promise<Integer> done) {
    for (int i = 0; i < 50; i++) {
      if (s.isClosed()) {
        done.complete(sent);
        return;
      }
      s.writeText(frame);
      sent++;
    }
    int total = sent;
    vertx.setTimer(1, t -> writeUntilClosed(s, frame, total, done));
  }
}
