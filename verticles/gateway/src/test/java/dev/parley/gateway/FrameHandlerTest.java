package dev.parley.gateway;

import dev.parley.chatstate.ChatStateService;
import dev.parley.chatstate.ChatStore;
import dev.parley.protocol.SendRecord;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.membership.Memberships;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.RowSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** Frame dispatch of the gateway against fakes of the socket, the producer and the membership table. */
class FrameHandlerTest {
  static final UUID USER = new UUID(0, 1);
  static final UUID DEVICE = new UUID(0, 2);
  static final String CHANNEL = "00000000-0000-4000-8000-000000000003";

  final List<JsonObject> written = new ArrayList<>();
  final List<KafkaProducerRecord<String, String>> produced = new ArrayList<>();
  boolean member = true;
  long now = 1_000;

  final Session session = new Session(USER, DEVICE, fake(ServerWebSocket.class, Map.of(
      "isClosed", a -> false, "writeQueueFull", a -> false,
      "writeTextMessage", a -> {
        written.add(new JsonObject((String) a[0]));
        return Future.succeededFuture();
      })), new TokenBucket(2, 2, 1_000));
  final FrameHandler frames = new FrameHandler(new Memberships(membershipTable(), 60_000, () -> now),
      producer(), "parley.messages", "g1", 1_024, () -> now,
      new ChatFrameHandler(new ChatStateService(ChatStore.on(null), null, null, 10),
          new ParleyConfig.ChatConfig(10, 5, 5, 5, 5, 60, 50), () -> now),
      new PresenceFrameHandler(null), new TokenExpiry(null, token -> Future.failedFuture(
          dev.parley.shared.Refusal.of(dev.parley.shared.ErrorCode.INVALID_TOKEN, "bad")), () -> now, 0),
      SendFrames.CommitLimits.DEFAULTS);

  @Test
  @DisplayName("hello is answered with ready, ping with pong echoing its id")
  void helloAndPing() {
    frames.onText(session, "{\"type\":\"hello\"}");
    frames.onText(session, "{\"type\":\"ping\",\"id\":7}");

    assertThat(written).extracting(f -> f.getString("type")).containsExactly("ready", "pong");
    assertThat(written.get(0).getString("nodeId")).isEqualTo("g1");
    assertThat(written.get(0).containsKey("heartbeatIntervalMs")).isFalse();
    assertThat(written.get(1).getValue("id")).isEqualTo(7);
  }

  @Test
  @DisplayName("a valid send of a member goes to the log keyed by channel, with the session's user and device")
  void sendIsProduced() {
    frames.onText(session, send("m-1"));

    assertThat(written).isEmpty();
    assertThat(produced).hasSize(1);
    assertThat(produced.get(0).key()).isEqualTo(CHANNEL);
    SendRecord record = SendRecord.fromJson(new JsonObject(produced.get(0).value()));
    assertThat(record.senderUser()).isEqualTo(USER);
    assertThat(record.senderDevice()).isEqualTo(DEVICE);
    assertThat(record.clientMsgId()).isEqualTo("m-1");
    assertThat(record.receivedAt()).isEqualTo(now);
  }

  @Test
  @DisplayName("a send to a channel the user is not in is refused with not_a_member and never produced")
  void nonMemberRefused() {
    member = false;
    frames.onText(session, send("m-1"));

    assertThat(produced).isEmpty();
    assertThat(written).singleElement().satisfies(f -> {
      assertThat(f.getString("type")).isEqualTo("error");
      assertThat(f.getString("code")).isEqualTo("not_a_member");
      assertThat(f.getString("clientMsgId")).isEqualTo("m-1");
    });
  }

  @Test
  @DisplayName("sends past the burst are refused with rate_limited and a retry hint; the clock refills the bucket")
  void rateLimited() {
    frames.onText(session, send("a"));
    frames.onText(session, send("b"));
    frames.onText(session, send("c"));
    assertThat(produced).hasSize(2);
    assertThat(written).singleElement().satisfies(f -> {
      assertThat(f.getString("code")).isEqualTo("rate_limited");
      assertThat(f.getLong("retryAfterMs")).isPositive();
    });

    now += 1_000;
    frames.onText(session, send("c"));
    assertThat(produced).hasSize(3);
  }

  @Test
  @DisplayName("malformed JSON, a missing type, an unknown type and binary frames get error frames; the socket stays")
  void refusals() {
    frames.onText(session, "not json");
    frames.onText(session, "{\"id\":1}");
    frames.onText(session, "{\"type\":\"dance\"}");
    frames.onBinary(session);

    assertThat(written).extracting(f -> f.getString("type")).containsOnly("error");
    assertThat(written).extracting(f -> f.getString("code"))
        .containsExactly("malformed_frame", "malformed_frame", "unknown_type", "malformed_frame");
    assertThat(produced).isEmpty();
  }

  @Test
  @DisplayName("chat and presence frames are dispatched to their handlers (which validate them)")
  void dispatchesToFeatureHandlers() {
    frames.onText(session, "{\"type\":\"read\",\"channelId\":\"nope\",\"seq\":1}");
    frames.onText(session, "{\"type\":\"presence.subscribe\",\"userIds\":[]}");

    assertThat(written).extracting(f -> f.getString("code")).doesNotContain("unknown_type").hasSize(2);
    assertThat(written.get(0).getString("frame")).isEqualTo("read");
  }

  private static String send(String clientMsgId) {
    return new JsonObject().put("type", "send").put("channelId", CHANNEL).put("clientMsgId", clientMsgId)
        .put("payload", "aGk=").encode();
  }

  @SuppressWarnings("unchecked")
  private KafkaProducer<String, String> producer() {
    return fake(KafkaProducer.class, Map.of("send", a -> {
      produced.add((KafkaProducerRecord<String, String>) a[0]);
      return Future.succeededFuture();
    }));
  }

  /** A pool whose membership query finds a row while {@link #member} is true. */
  private Pool membershipTable() {
    RowSet<?> rows = fake(RowSet.class, Map.of("size", a -> member ? 1 : 0));
    PreparedQuery<?> query = fake(PreparedQuery.class, Map.of("execute", a -> Future.succeededFuture(rows)));
    return fake(Pool.class, Map.of("preparedQuery", a -> query));
  }

  /** A proxy answering the named methods; any other call fails the test. */
  @SuppressWarnings("unchecked")
  static <T> T fake(Class<?> type, Map<String, Function<Object[], Object>> answers) {
    return (T) Proxy.newProxyInstance(FrameHandlerTest.class.getClassLoader(), new Class<?>[] {type},
        (proxy, method, args) -> {
          Function<Object[], Object> answer = answers.get(method.getName());
          if (answer == null) {
            throw new UnsupportedOperationException(type.getSimpleName() + "." + method.getName());
          }
          return answer.apply(args);
        });
  }
}
