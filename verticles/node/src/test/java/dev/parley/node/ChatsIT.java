package dev.parley.node;

import dev.parley.client.Ack;
import dev.parley.node.MessagePathFixture.Conn;
import dev.parley.node.MessagePathFixture.Device;
import dev.parley.shared.it.ItConfig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static dev.parley.node.MessagePathFixture.await;
import static dev.parley.node.MessagePathFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7 end to end on the real services: the chat list and its live updates, unread counts, read state across
 * devices, mark-unread, mute, receipts and typing. Two node JVMs in a private cluster: "ch-a" runs a gateway and
 * the api role, "ch-b" a gateway and the message role, so pushes cross nodes both ways. Each test has its own users.
 */
class ChatsIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static MessagePathFixture fx;
  private static WebClient http;
  private static int apiPort;

  @BeforeAll
  static void start() throws Exception {
    fx = new MessagePathFixture(27_101);
    String kid;
    try (Stream<java.nio.file.Path> files = Files.list(ItConfig.keysDir())) {
      kid = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".private.pem")).findFirst()
          .orElseThrow().replace(".private.pem", "");
    }
    apiPort = fx.apiPort;
    int gwPort = NodeProcess.freePort();
    fx.gatewayPorts.put("ch-a", gwPort);
    JsonObject apiConf = new JsonObject()
        .put("auth", new JsonObject().put("signingKeyId", kid)
            .put("passwordHashing", new JsonObject().put("memoryKib", 1024).put("iterations", 1)))
        .put("api", new JsonObject().put("port", apiPort))
        .put("chats", new JsonObject().put("typingBurst", 50).put("stateBurst", 500).put("receiptsMaxGroupSize", 2));
    NodeProcess a = NodeProcess.start("ch-a", fx.cluster, fx.hzPort, List.of("gateway", "api"),
        fx.nodeConf(gwPort, apiConf));
    fx.nodes.put("ch-a", a);
    int gwPortB = NodeProcess.freePort();
    fx.gatewayPorts.put("ch-b", gwPortB);
    NodeProcess b = NodeProcess.start("ch-b", fx.cluster, fx.hzPort, List.of("gateway", "message"),
        fx.nodeConf(gwPortB, new JsonObject().put("chats", new JsonObject().put("typingBurst", 50)
            .put("stateBurst", 500).put("receiptsMaxGroupSize", 2))));
    fx.nodes.put("ch-b", b);
    fx.awaitReady(a, b);
    http = WebClient.create(fx.vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  // ---- helpers ----

  private static HttpResponse<Buffer> call(HttpMethod method, String path, Device d, JsonObject body) {
    var req = http.request(method, apiPort, "127.0.0.1", path).putHeader("authorization", "Bearer " + d.token());
    return await(body == null ? req.send() : req.sendJsonObject(body));
  }

  private static JsonObject ok(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  private static JsonObject chats(Device d, String query) {
    return ok(call(HttpMethod.GET, "/v1/chats" + query, d, null));
  }

  private static JsonObject chat(Device d, UUID channel) {
    return ok(call(HttpMethod.GET, "/v1/chats/" + channel, d, null));
  }

  private static List<String> order(JsonObject page) {
    List<String> ids = new ArrayList<>();
    page.getJsonArray("chats").forEach(c -> ids.add(((JsonObject) c).getString("channelId")));
    return ids;
  }

  private static Ack send(Conn c, UUID channel, String text) {
    return await(c.client().send(channel, "application", text.getBytes(StandardCharsets.UTF_8)));
  }

  private static void frame(Conn c, JsonObject frame) {
    await(c.client().sendRaw(frame.encode()));
  }

  private static JsonObject read(UUID channel, long seq) {
    return new JsonObject().put("type", "read").put("channelId", channel.toString()).put("seq", seq);
  }

  private static List<JsonObject> framesOf(Conn c, String type) {
    return c.frames().stream().filter(f -> type.equals(f.getString("type"))).toList();
  }

  /** The last {@code chat} frame the connection got for the channel, or null. */
  private static JsonObject lastChat(Conn c, UUID channel) {
    List<JsonObject> chats = framesOf(c, "chat").stream()
        .filter(f -> channel.toString().equals(f.getString("channelId"))).toList();
    return chats.isEmpty() ? null : chats.get(chats.size() - 1);
  }

  private static long unread(Device d, UUID channel) {
    return chat(d, channel).getLong("unread");
  }

  // ---- tests ----

  @Test
  @DisplayName("the chat list follows the order of the latest messages; a new message moves its chat to the top on every device")
  void chatListOrderAndLiveMove() {
    Device alice1 = fx.user();
    Device alice2 = fx.device(alice1.userId());
    Device bob = fx.user();
    Device carol = fx.user();
    UUID c1 = fx.channel(alice1, List.of(alice1, bob));
    UUID c2 = fx.channel(alice1, List.of(alice1, carol));
    UUID c3 = fx.channel(alice1, List.of(alice1, bob, carol));
    Conn a1 = fx.connect(alice1, "ch-a");
    Conn a2 = fx.connect(alice2, "ch-b");
    Conn cb = fx.connect(bob, "ch-b");
    Conn cc = fx.connect(carol, "ch-a");

    // Each send returns when acknowledged, so the three are sequenced one after another.
    send(cb, c1, "one");
    send(cc, c2, "two");
    send(cb, c3, "three");

    eventually(WAIT, () -> order(chats(alice1, "")).equals(List.of(c3.toString(), c2.toString(), c1.toString())),
        () -> "order " + order(chats(alice1, "")));
    JsonObject top = chats(alice1, "").getJsonArray("chats").getJsonObject(0);
    assertThat(top.getLong("lastSeq")).isEqualTo(1);
    assertThat(top.getLong("unread")).isEqualTo(1);
    assertThat(top.getLong("memberCount")).isEqualTo(3);
    assertThat(top.getJsonObject("lastMessage").getString("sender")).isEqualTo(bob.userId().toString());
    assertThat(top.getBoolean("markedUnread")).isFalse();
    assertThat(top.getBoolean("muted")).isFalse();

    Ack ack = send(cb, c1, "back on top");

    for (Conn c : List.of(a1, a2)) {
      eventually(WAIT, () -> lastChat(c, c1) != null && lastChat(c, c1).getLong("lastSeq") == 2,
          () -> c.device() + " chat frames " + framesOf(c, "chat"));
      JsonObject f = lastChat(c, c1);
      assertThat(f.getLong("unread")).isEqualTo(2);
      assertThat(f.getLong("ts")).isEqualTo(ack.ts());
      assertThat(f.getString("lastSender")).isEqualTo(bob.userId().toString());
    }
    assertThat(order(chats(alice1, ""))).containsExactly(c1.toString(), c3.toString(), c2.toString());
    // Carol is not in c1: no chat frame for it reaches her.
    assertThat(lastChat(cc, c1)).isNull();

    JsonObject page1 = chats(alice1, "?limit=2");
    assertThat(order(page1)).containsExactly(c1.toString(), c3.toString());
    JsonObject page2 = chats(alice1, "?limit=2&cursor=" + page1.getString("nextCursor"));
    assertThat(order(page2)).containsExactly(c2.toString());
    assertThat(page2.getString("nextCursor")).isNull();
  }

  @Test
  @DisplayName("unread counts stay exact through others' messages, own messages, reads from another device and mark-unread")
  void unreadCountsExact() {
    Device alice1 = fx.user();
    Device alice2 = fx.device(alice1.userId());
    Device bob = fx.user();
    UUID ch = fx.channel(alice1, List.of(alice1, bob));
    Conn a1 = fx.connect(alice1, "ch-a");
    Conn a2 = fx.connect(alice2, "ch-b");
    Conn cb = fx.connect(bob, "ch-a");

    for (int i = 0; i < 3; i++) {
      send(cb, ch, "b" + i);
    }
    eventually(WAIT, () -> unread(alice1, ch) == 3, () -> "alice " + chat(alice1, ch));
    assertThat(unread(bob, ch)).isZero();

    // Own messages never count: sending advances the sender's read cursor.
    send(a1, ch, "mine");
    eventually(WAIT, () -> unread(alice1, ch) == 0, () -> "alice " + chat(alice1, ch));
    assertThat(chat(alice1, ch).getLong("readSeq")).isEqualTo(4);
    eventually(WAIT, () -> unread(bob, ch) == 1, () -> "bob " + chat(bob, ch));

    send(cb, ch, "b3");
    send(cb, ch, "b4");
    eventually(WAIT, () -> unread(alice1, ch) == 2, () -> "alice " + chat(alice1, ch));

    // A read on device 2 (WebSocket) reaches device 1 at once and the REST view.
    frame(a2, read(ch, 5));
    eventually(WAIT, () -> lastChat(a1, ch) != null && lastChat(a1, ch).getLong("readSeq") == 5,
        () -> "a1 frames " + framesOf(a1, "chat"));
    assertThat(lastChat(a1, ch).getLong("unread")).isEqualTo(1);
    assertThat(unread(alice1, ch)).isEqualTo(1);

    // Mark unread (REST, device 1): flag set, count unchanged, device 2 hears of it.
    JsonObject marked = ok(call(HttpMethod.POST, "/v1/chats/" + ch + "/unread", alice1, null));
    assertThat(marked.getBoolean("markedUnread")).isTrue();
    assertThat(marked.getLong("unread")).isEqualTo(1);
    eventually(WAIT, () -> lastChat(a2, ch) != null && lastChat(a2, ch).getBoolean("markedUnread"),
        () -> "a2 frames " + framesOf(a2, "chat"));
    assertThat(chat(alice1, ch).getBoolean("markedUnread")).isTrue();

    // Reading clears the mark; a cursor never moves back.
    JsonObject readAll = ok(call(HttpMethod.POST, "/v1/chats/" + ch + "/read", alice1, new JsonObject().put("seq", 6)));
    assertThat(readAll.getLong("unread")).isZero();
    assertThat(readAll.getBoolean("markedUnread")).isFalse();
    eventually(WAIT, () -> !lastChat(a2, ch).getBoolean("markedUnread") && lastChat(a2, ch).getLong("readSeq") == 6,
        () -> "a2 frames " + framesOf(a2, "chat"));
    JsonObject back = ok(call(HttpMethod.POST, "/v1/chats/" + ch + "/read", alice1, new JsonObject().put("seq", 2)));
    assertThat(back.getLong("readSeq")).isEqualTo(6);
    // Past the head is capped at the head.
    JsonObject ahead = ok(call(HttpMethod.POST, "/v1/chats/" + ch + "/read", alice1, new JsonObject().put("seq", 99)));
    assertThat(ahead.getLong("readSeq")).isEqualTo(6);
    send(cb, ch, "b5");
    eventually(WAIT, () -> unread(alice1, ch) == 1, () -> "alice " + chat(alice1, ch));

    // Mark unread survives new messages and still shows at zero count after a full read... until read again.
    ok(call(HttpMethod.POST, "/v1/chats/" + ch + "/read", alice1, new JsonObject().put("seq", 7)));
    ok(call(HttpMethod.POST, "/v1/chats/" + ch + "/unread", alice2, null));
    JsonObject zeroButMarked = chat(alice1, ch);
    assertThat(zeroButMarked.getLong("unread")).isZero();
    assertThat(zeroButMarked.getBoolean("markedUnread")).isTrue();
  }

  @Test
  @DisplayName("reads racing with new messages: the cursor only grows and the final unread count is exact")
  void readsRacingWithMessages() {
    Device alice1 = fx.user();
    Device alice2 = fx.device(alice1.userId());
    Device bob = fx.user();
    UUID ch = fx.channel(alice1, List.of(alice1, bob));
    Conn a1 = fx.connect(alice1, "ch-a");
    Conn a2 = fx.connect(alice2, "ch-b");
    Conn cb = fx.connect(bob, "ch-a");
    // Device 2 marks read every message as it arrives while bob keeps sending; device 1 reads over REST too.
    a2.client().onMessage(m -> a2.client().sendRaw(read(ch, m.seq()).encode()));

    int total = 40;
    List<Future<Ack>> acks = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      acks.add(cb.client().send(ch, "application", ("m" + i).getBytes(StandardCharsets.UTF_8)));
      if (i % 10 == 5) {
        call(HttpMethod.POST, "/v1/chats/" + ch + "/read", alice1, new JsonObject().put("seq", i / 2));
      }
    }
    await(Future.all(acks));
    eventually(WAIT, () -> chat(alice1, ch).getLong("readSeq") == total, () -> "alice " + chat(alice1, ch));
    assertThat(unread(alice1, ch)).isZero();
    // Every chat frame device 1 saw had a non-decreasing read cursor and a count that matches it.
    List<JsonObject> seen = framesOf(a1, "chat").stream().filter(f -> ch.toString().equals(f.getString("channelId")))
        .toList();
    assertThat(seen).isNotEmpty();
    for (JsonObject f : seen) {
      assertThat(f.getLong("readSeq")).isBetween(0L, f.getLong("lastSeq"));
      assertThat(f.getLong("unread")).isEqualTo(f.getLong("lastSeq") - f.getLong("readSeq"));
    }
    // Then exactly 3 new ones from bob that nobody reads: exactly 3 unread.
    a2.client().onMessage(m -> { });
    for (int i = 0; i < 3; i++) {
      send(cb, ch, "late" + i);
    }
    eventually(WAIT, () -> chat(alice1, ch).getLong("lastSeq") == total + 3, () -> "alice " + chat(alice1, ch));
    assertThat(unread(alice1, ch)).isEqualTo(3);
    assertThat(chat(alice1, ch).getLong("readSeq")).isEqualTo(total);
  }

  @Test
  @DisplayName("receipts and typing reach the other members' devices only; read receipts off means none sent and none seen")
  void receiptsAndTyping() {
    Device alice1 = fx.user();
    Device alice2 = fx.device(alice1.userId());
    Device bob = fx.user();
    Device dave = fx.user();
    UUID ch = fx.channel(alice1, List.of(alice1, bob));
    UUID daveAndBob = fx.channel(dave, List.of(dave, bob));
    Conn a1 = fx.connect(alice1, "ch-a");
    Conn a2 = fx.connect(alice2, "ch-b");
    Conn cb = fx.connect(bob, "ch-b");
    Conn cd = fx.connect(dave, "ch-a");

    send(cb, ch, "hi");
    frame(a1, new JsonObject().put("type", "delivered").put("channelId", ch.toString()).put("seq", 1));
    eventually(WAIT, () -> framesOf(cb, "receipt").size() == 1, () -> "bob " + framesOf(cb, "receipt"));
    assertThat(framesOf(cb, "receipt").get(0).getMap()).containsEntry("kind", "delivered").containsEntry("seq", 1)
        .containsEntry("userId", alice1.userId().toString()).containsEntry("channelId", ch.toString());

    frame(a1, read(ch, 1));
    eventually(WAIT, () -> framesOf(cb, "receipt").size() == 2, () -> "bob " + framesOf(cb, "receipt"));
    assertThat(framesOf(cb, "receipt").get(1).getString("kind")).isEqualTo("read");
    eventually(WAIT, () -> lastChat(a2, ch) != null && lastChat(a2, ch).getLong("readSeq") == 1,
        () -> "a2 " + a2.frames());

    // Typing: to bob only (not alice's own devices, not dave).
    frame(a2, new JsonObject().put("type", "typing").put("channelId", ch.toString()).put("state", "start"));
    eventually(WAIT, () -> framesOf(cb, "typing").size() == 1, () -> "bob " + cb.frames());
    assertThat(framesOf(cb, "typing").get(0).getString("userId")).isEqualTo(alice1.userId().toString());
    assertThat(framesOf(cb, "typing").get(0).getString("state")).isEqualTo("start");

    // Alice turns read receipts off: her reads send none, and she sees none of bob's.
    assertThat(ok(call(HttpMethod.PUT, "/v1/chat-settings", alice1, new JsonObject().put("readReceipts", false)))
        .getBoolean("readReceipts")).isFalse();
    send(cb, ch, "second");
    frame(a1, read(ch, 2));
    send(a1, ch, "reply");
    frame(cb, read(ch, 3));
    eventually(WAIT, () -> chat(bob, ch).getLong("readSeq") == 3 && chat(alice1, ch).getLong("readSeq") == 3,
        () -> "bob " + chat(bob, ch) + " alice " + chat(alice1, ch));
    // Delivery receipts are not affected by the setting.
    frame(cb, new JsonObject().put("type", "delivered").put("channelId", ch.toString()).put("seq", 3));
    eventually(WAIT, () -> framesOf(a1, "receipt").size() == 1, () -> "a1 " + framesOf(a1, "receipt"));
    assertThat(framesOf(a1, "receipt").get(0).getString("kind")).isEqualTo("delivered");
    eventually(WAIT, () -> framesOf(a2, "receipt").size() == 1, () -> "a2 " + framesOf(a2, "receipt"));
    assertThat(framesOf(cb, "receipt")).extracting(f -> f.getString("kind")).containsExactly("delivered", "read");
    assertThat(framesOf(a1, "receipt")).extracting(f -> f.getString("kind")).containsExactly("delivered");
    assertThat(framesOf(a2, "receipt")).extracting(f -> f.getString("kind")).containsExactly("delivered");

    // On again: receipts flow both ways.
    ok(call(HttpMethod.PUT, "/v1/chat-settings", alice1, new JsonObject().put("readReceipts", true)));
    send(cb, ch, "third");
    frame(a2, read(ch, 4));
    eventually(WAIT, () -> framesOf(cb, "receipt").size() == 3, () -> "bob " + framesOf(cb, "receipt"));
    assertThat(framesOf(cb, "receipt").get(2).getMap()).containsEntry("kind", "read").containsEntry("seq", 4);

    // Nothing ever reached dave, and no device got its own user's receipts or typing. Sentinels: bob starts typing
    // in both his channels; once alice's devices and dave have that frame, anything sent to them before is in too.
    frame(cb, new JsonObject().put("type", "typing").put("channelId", ch.toString()).put("state", "start"));
    frame(cb, new JsonObject().put("type", "typing").put("channelId", daveAndBob.toString()).put("state", "start"));
    eventually(WAIT, () -> !framesOf(a1, "typing").isEmpty() && !framesOf(a2, "typing").isEmpty()
        && !framesOf(cd, "typing").isEmpty(), () -> "a1 " + a1.frames() + " a2 " + a2.frames() + " dave " + cd.frames());
    assertThat(framesOf(cd, "receipt")).isEmpty();
    assertThat(framesOf(cd, "typing")).extracting(f -> f.getString("channelId")).containsExactly(daveAndBob.toString());
    assertThat(framesOf(cd, "chat")).noneMatch(f -> ch.toString().equals(f.getString("channelId")));
    for (Conn own : List.of(a1, a2)) {
      assertThat(framesOf(own, "typing")).as("alice's devices see bob's typing only")
          .extracting(f -> f.getString("userId")).containsExactly(bob.userId().toString());
    }
    assertThat(framesOf(cb, "typing")).hasSize(1);
  }

  @Test
  @DisplayName("mute: flag synced across devices, still counted unread, visible to the notification path")
  void muteKeepsUnread() {
    Device alice1 = fx.user();
    Device alice2 = fx.device(alice1.userId());
    Device bob = fx.user();
    UUID ch = fx.channel(alice1, List.of(alice1, bob));
    Conn a2 = fx.connect(alice2, "ch-b");
    Conn cb = fx.connect(bob, "ch-a");

    JsonObject muted = ok(call(HttpMethod.PUT, "/v1/chats/" + ch + "/mute", alice1, new JsonObject().put("muted", true)));
    assertThat(muted.getBoolean("muted")).isTrue();
    eventually(WAIT, () -> lastChat(a2, ch) != null && lastChat(a2, ch).getBoolean("muted"), () -> "a2 " + a2.frames());
    send(cb, ch, "quiet");
    eventually(WAIT, () -> unread(alice1, ch) == 1, () -> "alice " + chat(alice1, ch));
    assertThat(chat(alice1, ch).getBoolean("muted")).isTrue();
    ok(call(HttpMethod.PUT, "/v1/chats/" + ch + "/mute", alice2, new JsonObject().put("muted", false)));
    assertThat(chat(alice1, ch).getBoolean("muted")).isFalse();
  }

  @Test
  @DisplayName("a non-member can neither read nor set anyone's chat state (403 on REST, error frame on WebSocket); inputs are validated")
  void nonMembersRefusedAndInputsValidated() {
    Device alice = fx.user();
    Device bob = fx.user();
    Device mallory = fx.user();
    UUID ch = fx.channel(alice, List.of(alice, bob));
    Conn cb = fx.connect(bob, "ch-a");
    Conn cm = fx.connect(mallory, "ch-b");
    send(cb, ch, "private");
    eventually(WAIT, () -> unread(alice, ch) == 1, () -> "alice " + chat(alice, ch));

    String base = "/v1/chats/" + ch;
    for (HttpResponse<Buffer> r : List.of(call(HttpMethod.GET, base, mallory, null),
        call(HttpMethod.POST, base + "/read", mallory, new JsonObject().put("seq", 1)),
        call(HttpMethod.POST, base + "/unread", mallory, null),
        call(HttpMethod.PUT, base + "/mute", mallory, new JsonObject().put("muted", true)),
        call(HttpMethod.GET, "/v1/chats/" + UUID.randomUUID(), mallory, null))) {
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(403);
      assertThat(r.getHeader("content-type")).isEqualTo("application/problem+json");
      assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("not_a_member");
    }
    assertThat(order(chats(mallory, ""))).doesNotContain(ch.toString());

    frame(cm, read(ch, 1));
    frame(cm, new JsonObject().put("type", "delivered").put("channelId", ch.toString()).put("seq", 1));
    frame(cm, new JsonObject().put("type", "typing").put("channelId", ch.toString()));
    eventually(WAIT, () -> framesOf(cm, "error").size() == 3, () -> "mallory " + cm.frames());
    assertThat(framesOf(cm, "error")).extracting(f -> f.getString("code")).containsOnly("not_a_member");
    assertThat(framesOf(cm, "error")).extracting(f -> f.getString("frame"))
        .containsExactlyInAnyOrder("read", "delivered", "typing");

    // Alice's state is untouched, bob got nothing from mallory.
    JsonObject view = chat(alice, ch);
    assertThat(view.getLong("unread")).isEqualTo(1);
    assertThat(view.getBoolean("markedUnread")).isFalse();
    assertThat(view.getBoolean("muted")).isFalse();
    assertThat(framesOf(cb, "receipt")).isEmpty();
    assertThat(framesOf(cb, "typing")).isEmpty();

    // Validation (REST).
    assertProblem(call(HttpMethod.POST, base + "/read", alice, new JsonObject().put("seq", -1)), 422, "invalid_field");
    assertProblem(call(HttpMethod.POST, base + "/read", alice, new JsonObject().put("seq", "3")), 422, "invalid_field");
    assertProblem(call(HttpMethod.POST, base + "/read", alice, new JsonObject().put("seq", 1.5)), 422, "invalid_field");
    assertProblem(call(HttpMethod.POST, base + "/read", alice, new JsonObject().put("seq", 1).put("x", 1)), 422,
        "unknown_field");
    assertProblem(call(HttpMethod.PUT, base + "/mute", alice, new JsonObject().put("muted", "yes")), 422, "invalid_field");
    assertProblem(call(HttpMethod.POST, "/v1/chats/not-a-uuid/read", alice, new JsonObject().put("seq", 1)), 422,
        "invalid_field");
    assertProblem(call(HttpMethod.GET, "/v1/chats?limit=0", alice, null), 400, "bad_request");
    assertProblem(call(HttpMethod.GET, "/v1/chats?cursor=zzz", alice, null), 400, "bad_request");
    // Validation (WebSocket).
    Conn ca = fx.connect(alice, "ch-b");
    frame(ca, new JsonObject().put("type", "read").put("channelId", ch.toString()).put("seq", "1"));
    frame(ca, new JsonObject().put("type", "read").put("channelId", "nope").put("seq", 1));
    frame(ca, new JsonObject().put("type", "typing").put("channelId", ch.toString()).put("state", "maybe"));
    frame(ca, read(ch, 1).put("extra", true));
    eventually(WAIT, () -> framesOf(ca, "error").size() == 4, () -> "alice " + ca.frames());
    assertThat(framesOf(ca, "error")).extracting(f -> f.getString("code")).containsOnly("invalid_field");
  }

  @Test
  @DisplayName("a DM opened over REST appears at the top of both lists with the peer; peer cursors follow receipts rules")
  void dmFromRestAndPeerCursors() {
    Device alice = fx.user();
    Device bob = fx.user();
    Conn ca = fx.connect(alice, "ch-a");
    Conn cb = fx.connect(bob, "ch-b");
    JsonObject dm = call(HttpMethod.POST, "/v1/channels/dm", alice, new JsonObject().put("userId", bob.userId().toString()))
        .bodyAsJsonObject();
    UUID ch = UUID.fromString(dm.getString("channelId"));
    // The membership event indexes the new chat for both users, before any message.
    for (Device d : List.of(alice, bob)) {
      eventually(WAIT, () -> order(chats(d, "?limit=1")).equals(List.of(ch.toString())), () -> "list " + chats(d, ""));
    }
    JsonObject empty = chat(alice, ch);
    assertThat(empty.getLong("lastSeq")).isZero();
    assertThat(empty.getValue("lastMessage")).isNull();
    assertThat(empty.getString("peerUserId")).isEqualTo(bob.userId().toString());

    send(ca, ch, "hello bob");
    // The two frames are applied concurrently by the gateway, so their receipts may overtake each other: wait for
    // the delivery receipt before reading.
    frame(cb, new JsonObject().put("type", "delivered").put("channelId", ch.toString()).put("seq", 1));
    eventually(WAIT, () -> framesOf(ca, "receipt").size() == 1, () -> "alice " + ca.frames());
    frame(cb, read(ch, 1));
    eventually(WAIT, () -> chat(alice, ch).getLong("peerReadSeq", -1L) == 1, () -> "alice " + chat(alice, ch));
    assertThat(chat(alice, ch).getLong("peerDeliveredSeq")).isEqualTo(1);
    eventually(WAIT, () -> framesOf(ca, "receipt").size() == 2, () -> "alice " + ca.frames());
    assertThat(framesOf(ca, "receipt")).extracting(f -> f.getString("kind")).containsExactly("delivered", "read");
    ok(call(HttpMethod.PUT, "/v1/chat-settings", bob, new JsonObject().put("readReceipts", false)));
    assertThat(chat(alice, ch).containsKey("peerReadSeq")).isFalse();
    ok(call(HttpMethod.PUT, "/v1/chat-settings", bob, new JsonObject().put("readReceipts", true)));
  }

  @Test
  @DisplayName("no receipts in groups larger than chats.receiptsMaxGroupSize (2 in this test)")
  void noReceiptsInLargeGroups() {
    Device alice = fx.user();
    Device bob = fx.user();
    Device carol = fx.user();
    UUID ch = fx.channel(alice, List.of(alice, bob, carol));
    Conn ca = fx.connect(alice, "ch-a");
    Conn cb = fx.connect(bob, "ch-b");
    Conn cc = fx.connect(carol, "ch-a");
    send(ca, ch, "to the group");
    frame(cb, new JsonObject().put("type", "delivered").put("channelId", ch.toString()).put("seq", 1));
    frame(cb, read(ch, 1));
    eventually(WAIT, () -> chat(bob, ch).getLong("readSeq") == 1, () -> "bob " + chat(bob, ch));
    frame(cc, new JsonObject().put("type", "typing").put("channelId", ch.toString()));
    eventually(WAIT, () -> framesOf(ca, "typing").size() == 1, () -> "alice " + ca.frames());
    // Sentinel: bob, whose delivered and read went through his gateway, starts typing there; once alice and carol
    // have that frame, a receipt sent for his read would be in too.
    frame(cb, new JsonObject().put("type", "typing").put("channelId", ch.toString()));
    eventually(WAIT, () -> framesOf(ca, "typing").size() == 2 && framesOf(cc, "typing").size() == 1,
        () -> "alice " + ca.frames() + " carol " + cc.frames());
    assertThat(framesOf(ca, "receipt")).isEmpty();
    assertThat(framesOf(cc, "receipt")).isEmpty();
  }

  private static void assertProblem(HttpResponse<Buffer> r, int status, String code) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.bodyAsJsonObject().getString("code")).as(r.bodyAsString()).isEqualTo(code);
  }
}
