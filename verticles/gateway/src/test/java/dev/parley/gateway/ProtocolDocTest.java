package dev.parley.gateway;

import dev.parley.protocol.ChatFrames;
import dev.parley.protocol.Envelope;
import dev.parley.protocol.MlsFrames;
import dev.parley.protocol.PresenceFrames;
import dev.parley.protocol.SessionFrames;
import dev.parley.shared.ErrorCode;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.fail;

/**
 * docs/protocol.md cannot drift from the server: every JSON example frame in it is strict JSON with a string
 * {@code type}; each server → client example has exactly the fields, with the same JSON types, that the server's
 * own frame builders write; each client → server example is a type the gateway handles and a {@code send} example
 * passes the gateway's own parser; and every frame type the server writes has an example.
 */
class ProtocolDocTest {
  private static final Path DOC = Path.of("..", "..", "docs", "protocol.md");
  private static final UUID A = UUID.fromString("0b9f3c2e-5a61-4d1e-9c4b-2f7d8e6a1b30");
  private static final Set<String> CLIENT_TYPES = Set.of("hello", "ping", "send", "read", "delivered", "typing",
      "presence.subscribe", "presence.unsubscribe", "auth");
  /** Fields of the client frames the gateway accepts besides {@code send} (ChatFrameHandler, PresenceFrameHandler). */
  private static final Map<String, Set<String>> CLIENT_FIELDS = Map.of(
      "hello", Set.of("type"), "ping", Set.of("type", "id"), "auth", Set.of("type", "token", "id"),
      "read", Set.of("type", "channelId", "seq"), "delivered", Set.of("type", "channelId", "seq"),
      "typing", Set.of("type", "channelId", "state"),
      "presence.subscribe", Set.of("type", "userIds", "id"), "presence.unsubscribe", Set.of("type", "userIds", "id"));
  /** Fields an error frame may carry (ErrorFrames and its echo rules). */
  private static final Set<String> ERROR_FIELDS = Set.of("type", "code", "message", "field", "clientMsgId",
      "retryAfterMs", "frame", "channelId", "id", "epoch", "leaves", "deviceId");
  private static List<JsonObject> examples;

  @BeforeAll
  static void read() throws Exception {
    examples = examples(Files.readString(DOC));
  }

  /** The server's own rendering of each frame type it writes (optional fields present). */
  private static Map<String, JsonObject> serverFrames() {
    Envelope env = new Envelope(A, 42, 1234567890123L, new byte[32], A, A, "c-17", "application", new byte[] {1},
        1795811830734L);
    Map<String, JsonObject> frames = new HashMap<>();
    frames.put("ready", SessionFrames.ready(A, A, "s", "gw-1", 65536, 30_000L, SessionFrames.PUSH_DISABLED));
    frames.put("pong", SessionFrames.pong(7));
    frames.put("auth.ok", SessionFrames.authOk(1795812730L, 1));
    frames.put("reconnect", SessionFrames.reconnect("draining"));
    frames.put("ack", env.ackFrame());
    frames.put("msg", env.msgFrame());
    frames.put("chat", ChatFrames.chat(A, 42, 1795811830734L, 40, false, false, env.toJson()));
    frames.put("receipt", ChatFrames.receipt(A, A, "read", 42));
    frames.put("typing", ChatFrames.typing(A, A, A, true));
    frames.put("presence", PresenceFrames.presence(A, false, 1795811830734L));
    frames.put("presence.subscribed", PresenceFrames.subscribed(new JsonObject().put("accepted", new JsonArray())
        .put("denied", new JsonArray()), "s1"));
    frames.put("presence.unsubscribed", PresenceFrames.unsubscribed("s2"));
    frames.put("welcome", MlsFrames.welcome(A, A, 5, 42, new byte[] {1}));
    frames.put("mls.removal_pending", MlsFrames.removalPending(A, 5, List.of(2, 7)));
    frames.put("keypackages.low", MlsFrames.keyPackagesLow(3, 10));
    return frames;
  }

  @Test
  @DisplayName("every JSON example in docs/protocol.md is strict JSON with a known type, client or server")
  void examplesAreFrames() {
    assertThat(examples).hasSizeGreaterThan(15);
    for (JsonObject e : examples) {
      assertThat(e.getValue("type")).as("type of %s", e).isInstanceOf(String.class);
      String type = e.getString("type");
      assertThat(CLIENT_TYPES.contains(type) || serverFrames().containsKey(type) || type.equals("error"))
          .as("%s is a frame type the gateway reads or writes", type).isTrue();
    }
  }

  @Test
  @DisplayName("each server → client example has exactly the server's fields, with the same JSON types")
  void serverExamplesMatchTheBuilders() {
    Map<String, JsonObject> server = serverFrames();
    for (JsonObject e : examples) {
      JsonObject built = server.get(e.getString("type"));
      if (built == null || !fromServer(e)) {
        continue;
      }
      if (e.getString("type").equals("presence") && !e.containsKey("lastSeen")) {
        built = PresenceFrames.presence(A, true, null);
      }
      // push is present only for a device whose push registration is disabled: the usual ready goes without it.
      if (e.getString("type").equals("ready") && !e.containsKey("push")) {
        built = SessionFrames.ready(A, A, "s", "gw-1", 65536, 30_000L);
      }
      assertThat(new TreeSet<>(e.fieldNames())).as("fields of %s", e).isEqualTo(new TreeSet<>(built.fieldNames()));
      for (String field : built.fieldNames()) {
        assertThat(kind(e.getValue(field))).as("JSON type of %s in %s", field, e).isEqualTo(kind(built.getValue(field)));
      }
    }
  }

  @Test
  @DisplayName("error examples use only error fields and codes of the server's ErrorCode enum")
  void errorExamples() {
    Set<String> codes = new TreeSet<>();
    Arrays.stream(ErrorCode.values()).forEach(c -> codes.add(c.code()));
    List<JsonObject> errors = examples.stream().filter(e -> e.getString("type").equals("error")).toList();
    assertThat(errors).isNotEmpty();
    for (JsonObject e : errors) {
      assertThat(ERROR_FIELDS).as("fields of %s", e).containsAll(e.fieldNames());
      assertThat(codes).as("code of %s", e).contains(e.getString("code"));
      assertThat(e.getValue("message")).isInstanceOf(String.class);
    }
  }

  @Test
  @DisplayName("client → server examples are accepted: send by the gateway's parser, the others by their field sets")
  void clientExamples() {
    for (JsonObject e : examples) {
      String type = e.getString("type");
      if (type.equals("send")) {
        assertThatCode(() -> SendFrames.parse(e, 65_536)).as("parse %s", e).doesNotThrowAnyException();
      } else if (CLIENT_FIELDS.containsKey(type) && !fromServer(e)) {
        assertThat(CLIENT_FIELDS.get(type)).as("fields of %s", e).containsAll(e.fieldNames());
      }
    }
  }

  @Test
  @DisplayName("every frame type the server writes has an example")
  void everyServerFrameIsDocumented() {
    Set<String> documented = new TreeSet<>();
    examples.forEach(e -> documented.add(e.getString("type")));
    assertThat(documented).containsAll(serverFrames().keySet()).contains("error");
  }

  /** {@code typing} goes both ways: the server's names the typist ({@code userId}), the client's does not. */
  private static boolean fromServer(JsonObject e) {
    String type = e.getString("type");
    return type.equals("typing") ? e.containsKey("userId") : serverFrames().containsKey(type) || type.equals("error");
  }

  private static String kind(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Number) {
      return "number";
    }
    return v.getClass().getSimpleName();
  }

  /** The JSON objects of the doc's ```json blocks; an object may span lines. */
  static List<JsonObject> examples(String markdown) {
    List<JsonObject> out = new ArrayList<>();
    boolean inBlock = false;
    StringBuilder pending = new StringBuilder();
    for (String line : markdown.split("\n", -1)) {
      if (line.startsWith("```")) {
        if (inBlock && !pending.toString().isBlank()) {
          fail("unfinished JSON example: " + pending);
        }
        inBlock = !inBlock && line.trim().equals("```json");
        pending.setLength(0);
        continue;
      }
      if (!inBlock || line.isBlank()) {
        continue;
      }
      pending.append(line).append('\n');
      try {
        out.add(new JsonObject(pending.toString()));
        pending.setLength(0);
      } catch (DecodeException incomplete) {
        // the object continues on the next line
      }
    }
    return out;
  }
}
