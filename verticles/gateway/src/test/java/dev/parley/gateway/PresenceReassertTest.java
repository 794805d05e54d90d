package dev.parley.gateway;

import dev.parley.shared.presence.PresenceAddresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Presence subscriptions live in Redis only (presence role): the gateway remembers each session's accepted targets
 * and subscribes them again after a Redis restart, without answering the client a second time.
 */
class PresenceReassertTest {
  static final String ALICE = new UUID(0, 1).toString();
  static final String CAROL = new UUID(0, 3).toString();
  static final String STRANGER = new UUID(0, 9).toString();

  final Vertx vertx = Vertx.vertx();
  final List<JsonObject> requests = new CopyOnWriteArrayList<>();
  final List<JsonObject> written = new CopyOnWriteArrayList<>();
  final BlockingQueue<JsonObject> answers = new LinkedBlockingQueue<>();
  final Session session = new Session(new UUID(0, 2), new UUID(0, 22), FrameHandlerTest.fake(ServerWebSocket.class,
      Map.of("isClosed", a -> false, "writeQueueFull", a -> false, "writeTextMessage", a -> {
        JsonObject frame = new JsonObject((String) a[0]);
        written.add(frame);
        answers.add(frame);
        return Future.succeededFuture();
      })), new TokenBucket(2, 2, 0));

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A presence role that accepts everyone but the stranger and records each request. */
  PresenceFrameHandler handler() throws Exception {
    vertx.eventBus().<JsonObject>consumer(PresenceAddresses.SUBSCRIBE, m -> {
      requests.add(m.body());
      JsonArray accepted = new JsonArray();
      JsonArray denied = new JsonArray();
      m.body().getJsonArray("targets").forEach(t -> {
        if (STRANGER.equals(t)) {
          denied.add(t);
        } else {
          accepted.add(new JsonObject().put("type", "presence").put("userId", t).put("online", false));
        }
      });
      m.reply(new JsonObject().put("accepted", accepted).put("denied", denied));
    }).completion().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    vertx.eventBus().<JsonObject>consumer(PresenceAddresses.UNSUBSCRIBE, m -> m.reply(new JsonObject()))
        .completion().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    return new PresenceFrameHandler(vertx.eventBus());
  }

  /** Sends a client frame on the event loop and waits (bounded) for its answer. */
  void frame(PresenceFrameHandler h, String type, JsonArray users, int id) throws Exception {
    JsonObject f = new JsonObject().put("type", type).put("id", id);
    if (users != null) {
      f.put("userIds", users);
    }
    vertx.runOnContext(v -> h.onFrame(session, type, f));
    JsonObject answer = answers.poll(5, TimeUnit.SECONDS);
    assertThat(answer).as("answer to %s", f).isNotNull();
    assertThat(answer.getValue("id")).isEqualTo(id);
  }

  @Test
  @DisplayName("accepted targets are re-subscribed after a restart (denied and unsubscribed ones are not); no frame")
  void reassertsAcceptedTargets() throws Exception {
    PresenceFrameHandler h = handler();
    frame(h, "presence.subscribe", new JsonArray().add(ALICE).add(STRANGER).add(CAROL), 1);
    frame(h, "presence.unsubscribe", new JsonArray().add(CAROL), 2);
    assertThat(session.presenceTargets).containsExactly(ALICE);
    int answered = written.size();

    h.reassert(session).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    JsonObject again = requests.get(requests.size() - 1);
    assertThat(again.getJsonArray("targets")).containsExactly(ALICE);
    assertThat(again.getString("deviceId")).isEqualTo(session.deviceId.toString());
    assertThat(written).as("the client is not answered again").hasSize(answered);

    frame(h, "presence.unsubscribe", null, 3);
    assertThat(session.presenceTargets).isEmpty();
    int before = requests.size();
    h.reassert(session).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(requests).as("nothing to re-assert").hasSize(before);
  }
}
