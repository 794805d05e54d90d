package dev.parley.api;

import dev.parley.api.ApiHarness.Session;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.parley.api.ApiHarness.expect;
import static dev.parley.api.ApiHarness.problem;
import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * History served by the api role ({@code GET /v1/channels/{channelId}/messages}) against the real Cassandra: rows
 * are written straight into the messages table (the message role's job), then paged through the API; and the
 * route refuses exactly as the other channel routes do.
 */
class HistoryIT {
  /** A small bucket, so a page of a few messages crosses partitions. */
  private static final int BUCKET = 5;
  private static ApiHarness api;

  @BeforeAll
  static void start() {
    api = ApiHarness.start(new JsonObject().put("cassandra", new JsonObject().put("messageBucketSize", BUCKET)));
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static UUID dm(Session a, Session b) {
    return UUID.fromString(expect(api.post("/v1/channels/dm", a.accessToken(),
        new JsonObject().put("userId", b.userId().toString())), 201).bodyAsJsonObject().getString("channelId"));
  }

  /** Stores seqs 1..n in the messages table and the head hint at n, as the message role would. */
  private static void store(UUID channel, Session sender, int n) {
    String ks = api.config.cassandra().keyspace();
    List<Future<?>> writes = new ArrayList<>();
    for (int seq = 1; seq <= n; seq++) {
      writes.add(api.clients.cassandra().execute(com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance(
          "INSERT INTO " + ks + ".messages (channel_id, bucket, seq, msg_id, sender_user, sender_device, "
              + "client_msg_id, kind, payload, hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          channel, (seq - 1) / BUCKET, (long) seq, 1000L + seq, sender.userId(), sender.deviceId(), "c-" + seq,
          "application", ByteBuffer.wrap(new byte[] {(byte) seq}), ByteBuffer.wrap(new byte[32]), Instant.now())));
    }
    writes.add(api.clients.cassandra().execute(com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance(
        "UPDATE " + ks + ".channel_heads SET last_seq = ?, last_hash = ? WHERE channel_id = ?", (long) n,
        ByteBuffer.wrap(new byte[32]), channel)));
    await(Future.all(writes));
  }

  private static List<Long> seqs(HttpResponse<Buffer> response) {
    JsonArray messages = expect(response, 200).bodyAsJsonObject().getJsonArray("messages");
    List<Long> out = new ArrayList<>();
    messages.forEach(m -> out.add(((JsonObject) m).getLong("seq")));
    return out;
  }

  private static HttpResponse<Buffer> history(Session who, Object channel, String query) {
    return api.get("/v1/channels/" + channel + "/messages" + query, who.accessToken());
  }

  @Test
  @DisplayName("pages after, before, between and latest, across bucket boundaries, with hasMore")
  void pages() {
    Session alice = api.newUser();
    Session bob = api.newUser();
    UUID channel = dm(alice, bob);
    store(channel, alice, 12);
    assertThat(seqs(history(bob, channel, "?after=3&limit=4"))).containsExactly(4L, 5L, 6L, 7L);
    assertThat(seqs(history(bob, channel, "?before=12&limit=3"))).containsExactly(9L, 10L, 11L);
    assertThat(seqs(history(bob, channel, "?after=4&before=9"))).containsExactly(5L, 6L, 7L, 8L);
    assertThat(seqs(history(bob, channel, "?limit=2"))).containsExactly(11L, 12L);
    assertThat(seqs(history(bob, channel, ""))).hasSize(12);
    JsonObject page = expect(history(bob, channel, "?after=10"), 200).bodyAsJsonObject();
    assertThat(page.getBoolean("hasMore")).isFalse();
    assertThat(page.getString("channelId")).isEqualTo(channel.toString());
    JsonObject first = page.getJsonArray("messages").getJsonObject(0);
    assertThat(first.getString("msgId")).isEqualTo("1011");
    assertThat(first.getString("payload")).isEqualTo("Cw==");
    assertThat(expect(history(bob, channel, "?after=0&limit=5"), 200).bodyAsJsonObject().getBoolean("hasMore")).isTrue();
    assertThat(seqs(history(bob, channel, "?after=9007199254740991"))).isEmpty();
  }

  @Test
  @DisplayName("authentication comes first: no token or a bad one is 401 with WWW-Authenticate, whatever the query")
  void authenticatesBeforeValidating() {
    HttpResponse<Buffer> none = await(api.request(io.vertx.core.http.HttpMethod.GET,
        "/v1/channels/1-1-1-1-1/messages?before=0&limit=x").send());
    problem(none, 401, "auth_required");
    assertThat(none.getHeader("www-authenticate")).startsWith("Bearer");
    HttpResponse<Buffer> bad = await(api.request(io.vertx.core.http.HttpMethod.GET,
        "/v1/channels/not-a-uuid/messages?after=-1", "x.y.z").send());
    problem(bad, 401, "invalid_token");
    assertThat(bad.getHeader("www-authenticate")).startsWith("Bearer");
  }

  @Test
  @DisplayName("ids the other routes refuse with 422 get 422; a stranger gets not_a_member, no channel channel_not_found")
  void refusesLikeTheOtherChannelRoutes() {
    Session alice = api.newUser();
    Session bob = api.newUser();
    Session eve = api.newUser();
    UUID channel = dm(alice, bob);
    for (String id : List.of("1-1-1-1-1", "not-a-uuid", channel.toString().toUpperCase(),
        "{" + channel + "}", channel.toString().replace("-", ""))) {
      problem(history(alice, id, ""), 422, "invalid_field");
      problem(api.get("/v1/channels/" + id, alice.accessToken()), 422, "invalid_field");
    }
    problem(history(eve, channel, ""), 403, "not_a_member");
    problem(api.get("/v1/channels/" + channel, eve.accessToken()), 403, "not_a_member");
    problem(history(alice, UUID.randomUUID(), ""), 404, "channel_not_found");
  }

  @Test
  @DisplayName("seqs are 0..2^53-1 (before from 1), limit 1..500, each given once, digits only: otherwise 400")
  void refusesOutOfRangeParameters() {
    Session alice = api.newUser();
    Session bob = api.newUser();
    UUID channel = dm(alice, bob);
    for (String q : List.of("?before=0", "?after=9007199254740992", "?before=9007199254740992", "?after=-1",
        "?after=+1", "?after=1e3", "?after=", "?limit=0", "?limit=501", "?limit=1.5", "?after=5&before=5",
        "?after=1&after=2", "?after=99999999999999999999")) {
      JsonObject doc = problem(history(alice, channel, q), 400, "bad_request");
      assertThat(doc.getString("field")).as(q).isIn("after", "before", "limit");
    }
    assertThat(seqs(history(alice, channel, "?before=1"))).isEmpty();
    assertThat(seqs(history(alice, channel, "?limit=500"))).isEmpty();
  }
}
