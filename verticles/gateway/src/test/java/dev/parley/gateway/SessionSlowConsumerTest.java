package dev.parley.gateway;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A socket whose reader stops reading is closed with 4008 once its outbound queue is full, not buffered forever. */
class SessionSlowConsumerTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("a reader that stops reading is disconnected with close code 4008 (slow consumer)")
  void slowConsumerIsClosed() throws Exception {
    Promise<Session> session = Promise.promise();
    HttpServer server = vertx.createHttpServer().webSocketHandler(ws -> {
      ws.setWriteQueueMaxSize(16 * 1024);
      session.complete(new Session(UUID.randomUUID(), UUID.randomUUID(), ws, new TokenBucket(1, 1, 0)));
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

    WebSocket client = vertx.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(server.actualPort()).setURI("/ws")).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Promise<Short> closeCode = Promise.promise();
    AtomicInteger frames = new AtomicInteger();
    client.textMessageHandler(t -> frames.incrementAndGet());
    client.closeHandler(v -> closeCode.tryComplete(client.closeStatusCode()));
    client.pause();

    Session s = session.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
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
