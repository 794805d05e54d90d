package dev.parley.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** A server with the gateway's WebSocket limit and handlers: input over the limit closes with 1009, never 1006. */
class FrameLimitTest {
  private static final int MAX = 131_072;
  private static Vertx vertx;
  private static HttpServer server;
  private static WebSocketClient client;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer(FrameLimit.apply(new HttpServerOptions().setPort(0).setHost("127.0.0.1"), MAX))
        .webSocketHandler(ws -> {
          FrameLimit.closeWhenExceeded(ws, "test-device");
          ws.textMessageHandler(t -> ws.writeTextMessage("got " + t.length()));
        })
        .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    // The client's own limits are far above the server's, so only the server's limit is tested.
    client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(64 << 20)
        .setMaxMessageSize(64 << 20));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Integer closeCodeAfter(Consumer<WebSocket> send) throws Exception {
    WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.actualPort())
        .setURI("/ws")).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode() == null ? -1 : ws.closeStatusCode().intValue()));
    send.accept(ws);
    return closed.get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("one text frame over the limit: close 1009 (was a dropped connection, 1006)")
  void oneTextFrameTooBig() throws Exception {
    assertThat(closeCodeAfter(ws -> ws.writeFrame(WebSocketFrame.textFrame("x".repeat(200_000), true))))
        .isEqualTo(1009);
  }

  @Test
  @DisplayName("a fragmented text message over the limit: close 1009 (was silently dropped, socket open)")
  void fragmentedTextTooBig() throws Exception {
    assertThat(closeCodeAfter(ws -> {
      ws.writeFrame(WebSocketFrame.textFrame("x".repeat(100_000), false));
      ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("y".repeat(100_000)), true));
    })).isEqualTo(1009);
  }

  @Test
  @DisplayName("a binary frame over the limit, and 1 MiB of text: close 1009")
  void binaryAndMegabyteTooBig() throws Exception {
    assertThat(closeCodeAfter(ws -> ws.writeBinaryMessage(Buffer.buffer(new byte[200_000])))).isEqualTo(1009);
    assertThat(closeCodeAfter(ws -> ws.writeTextMessage("x".repeat(1 << 20)))).isEqualTo(1009);
  }

  @Test
  @DisplayName("a message just under the limit, in fragments, is delivered")
  void underTheLimitPasses() throws Exception {
    WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(server.actualPort())
        .setURI("/ws")).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    CompletableFuture<String> reply = new CompletableFuture<>();
    ws.textMessageHandler(reply::complete);
    ws.writeTextMessage("z".repeat(MAX - 10));
    assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("got " + (MAX - 10));
    ws.close();
  }
}
