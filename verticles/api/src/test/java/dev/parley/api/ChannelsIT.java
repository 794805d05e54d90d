package dev.parley.api;

import dev.parley.api.ApiHarness.Session;
import dev.parley.shared.Addresses;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.parley.api.ApiHarness.expect;
import static dev.parley.api.ApiHarness.problem;
import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;

/** DMs, groups, memberships (both directions) and blocks, with the authorization matrix. */
class ChannelsIT {
  private static final int MAX_MEMBERS = 4;
  private static ApiHarness api;

  @BeforeAll
  static void start() {
    api = ApiHarness.start(new JsonObject().put("api", new JsonObject().put("maxChannelMembers", MAX_MEMBERS)));
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static JsonObject user(UUID id) {
    return new JsonObject().put("userId", id.toString());
  }

  private static HttpResponse<Buffer> openDm(Session from, Session to) {
    return api.post("/v1/channels/dm", from.accessToken(), user(to.userId()));
  }

  private static String createGroup(Session admin, Session... members) {
    JsonArray ids = new JsonArray();
    for (Session m : members) {
      ids.add(m.userId().toString());
    }
    return expect(api.post("/v1/channels", admin.accessToken(), new JsonObject().put("name", "team").put("memberIds", ids)),
        201).bodyAsJsonObject().getString("channelId");
  }

  @Test
  @DisplayName("a DM is created once (201) and the same pair gets the same channel from either side (200)")
  void dmIsIdempotent() {
    Session alice = api.newUser();
    Session bob = api.newUser();
    JsonObject created = expect(openDm(alice, bob), 201).bodyAsJsonObject();
    assertThat(created.getString("kind")).isEqualTo("dm");
    assertThat(created.getString("peerUserId")).isEqualTo(bob.userId().toString());
    assertThat(created.getLong("memberCount")).isEqualTo(2);
    JsonObject again = expect(openDm(bob, alice), 200).bodyAsJsonObject();
    assertThat(again.getString("channelId")).isEqualTo(created.getString("channelId"));
    assertThat(again.getString("peerUserId")).isEqualTo(alice.userId().toString());

    problem(api.post("/v1/channels/dm", alice.accessToken(), user(alice.userId())), 422, "invalid_field");
    problem(api.post("/v1/channels/dm", alice.accessToken(), user(UUID.randomUUID())), 404, "user_not_found");
    problem(api.post("/v1/channels/dm", alice.accessToken(), new JsonObject().put("userId", "bob")), 422, "invalid_field");
  }

  @Test
  @DisplayName("50 parallel 'create DM' calls for one pair yield exactly one channel and one pair of memberships")
  void parallelDmCreation() {
    Session alice = api.newUser();
    Session bob = api.newUser();
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Session from = i % 2 == 0 ? alice : bob;
      Session to = i % 2 == 0 ? bob : alice;
      calls.add(api.request(HttpMethod.POST, "/v1/channels/dm", from.accessToken()).sendJsonObject(user(to.userId())));
    }
    await(Future.all(calls));
    List<String> ids = calls.stream().map(f -> f.result().bodyAsJsonObject().getString("channelId")).distinct().toList();
    assertThat(ids).hasSize(1);
    assertThat(calls.stream().filter(f -> f.result().statusCode() == 201)).hasSize(1);
    assertThat(calls.stream().filter(f -> f.result().statusCode() == 200)).hasSize(49);

    String dmKey = alice.userId().toString().compareTo(bob.userId().toString()) < 0
        ? alice.userId() + ":" + bob.userId() : bob.userId() + ":" + alice.userId();
    assertThat(count("SELECT count(*) FROM channels WHERE dm_key = $1", dmKey)).isEqualTo(1);
    UUID channel = UUID.fromString(ids.get(0));
    assertThat(count("SELECT count(*) FROM channel_members WHERE channel_id = $1", channel)).isEqualTo(2);
    assertThat(count("SELECT count(*) FROM user_channels WHERE channel_id = $1", channel)).isEqualTo(2);
  }

  @Test
  @DisplayName("a block refuses new DMs in both directions and group adds; unblocking allows them again")
  void blocks() {
    Session alice = api.newUser();
    Session bob = api.newUser();
    expect(api.post("/v1/blocks", alice.accessToken(), user(bob.userId())), 201);
    expect(api.post("/v1/blocks", alice.accessToken(), user(bob.userId())), 201);
    assertThat(expect(api.get("/v1/blocks", alice.accessToken()), 200).bodyAsJsonObject().getJsonArray("blocks"))
        .hasSize(1);
    problem(openDm(bob, alice), 403, "blocked");
    problem(openDm(alice, bob), 403, "blocked");
    String group = createGroup(bob);
    problem(api.post("/v1/channels/" + group + "/members", bob.accessToken(), user(alice.userId())), 403, "blocked");
    problem(api.post("/v1/blocks", alice.accessToken(), user(UUID.randomUUID())), 404, "user_not_found");
    problem(api.post("/v1/blocks", alice.accessToken(), user(alice.userId())), 422, "invalid_field");

    expect(api.send(HttpMethod.DELETE, "/v1/blocks/" + bob.userId(), alice.accessToken(), null), 204);
    expect(openDm(bob, alice), 201);
  }

  @Test
  @DisplayName("a group has its creator as admin; memberships exist in both directions; I list my channels")
  void createGroupAndList() {
    Session admin = api.newUser();
    Session bob = api.newUser();
    Session carol = api.newUser();
    String group = createGroup(admin, bob, carol, bob);
    JsonArray members = expect(api.get("/v1/channels/" + group + "/members", bob.accessToken()), 200)
        .bodyAsJsonObject().getJsonArray("members");
    assertThat(members).hasSize(3);
    assertThat(members.getJsonObject(0).getString("userId")).isEqualTo(admin.userId().toString());
    assertThat(members.getJsonObject(0).getString("role")).isEqualTo("admin");
    assertThat(members.getJsonObject(1).getString("role")).isEqualTo("member");
    assertThat(count("SELECT count(*) FROM user_channels WHERE channel_id = $1", UUID.fromString(group))).isEqualTo(3);

    JsonObject mine = expect(api.get("/v1/channels", carol.accessToken()), 200).bodyAsJsonObject();
    assertThat(mine.getJsonArray("channels")).extracting(c -> ((JsonObject) c).getString("channelId")).containsExactly(group);
    JsonObject one = expect(api.get("/v1/channels/" + group, carol.accessToken()), 200).bodyAsJsonObject();
    assertThat(one.getString("kind")).isEqualTo("group");
    assertThat(one.getString("name")).isEqualTo("team");
    assertThat(one.getString("myRole")).isEqualTo("member");

    problem(api.post("/v1/channels", admin.accessToken(), new JsonObject().put("name", "x")
        .put("memberIds", new JsonArray().add(UUID.randomUUID().toString()))), 404, "user_not_found");
    problem(api.post("/v1/channels", admin.accessToken(), new JsonObject().put("name", "x")
        .put("memberIds", "not-an-array")), 422, "invalid_field");
  }

  @Test
  @DisplayName("authorization matrix: non-members cannot read; only admins add or remove; removal cuts access at once")
  void authorizationMatrix() {
    Session admin = api.newUser();
    Session member = api.newUser();
    Session outsider = api.newUser();
    String group = createGroup(admin, member);

    problem(api.get("/v1/channels/" + group, outsider.accessToken()), 403, "not_a_member");
    problem(api.get("/v1/channels/" + group + "/members", outsider.accessToken()), 403, "not_a_member");
    problem(api.post("/v1/channels/" + group + "/members", outsider.accessToken(), user(outsider.userId())),
        403, "not_a_member");
    problem(api.get("/v1/channels/" + UUID.randomUUID(), outsider.accessToken()), 404, "channel_not_found");

    problem(api.post("/v1/channels/" + group + "/members", member.accessToken(), user(outsider.userId())), 403, "not_admin");
    problem(api.send(HttpMethod.DELETE, "/v1/channels/" + group + "/members/" + admin.userId(), member.accessToken(), null),
        403, "not_admin");

    JsonObject added = expect(api.post("/v1/channels/" + group + "/members", admin.accessToken(), user(outsider.userId())),
        201).bodyAsJsonObject();
    assertThat(added.getString("role")).isEqualTo("member");
    problem(api.post("/v1/channels/" + group + "/members", admin.accessToken(), user(outsider.userId())),
        409, "already_member");
    expect(api.get("/v1/channels/" + group, outsider.accessToken()), 200);

    expect(api.send(HttpMethod.DELETE, "/v1/channels/" + group + "/members/" + outsider.userId(), admin.accessToken(),
        null), 204);
    problem(api.get("/v1/channels/" + group, outsider.accessToken()), 403, "not_a_member");
    problem(api.get("/v1/channels/" + group + "/members", outsider.accessToken()), 403, "not_a_member");
    assertThat(expect(api.get("/v1/channels", outsider.accessToken()), 200).bodyAsJsonObject().getJsonArray("channels"))
        .isEmpty();
    problem(api.send(HttpMethod.DELETE, "/v1/channels/" + group + "/members/" + outsider.userId(), admin.accessToken(),
        null), 404, "member_not_found");
  }

  @Test
  @DisplayName("members leave by removing themselves; the last admin leaving promotes the longest-standing member")
  void leaveAndPromotion() {
    Session admin = api.newUser();
    Session bob = api.newUser();
    Session carol = api.newUser();
    String group = createGroup(admin, bob, carol);
    expect(api.send(HttpMethod.DELETE, "/v1/channels/" + group + "/members/" + carol.userId(), carol.accessToken(), null),
        204);
    expect(api.send(HttpMethod.DELETE, "/v1/channels/" + group + "/members/" + admin.userId(), admin.accessToken(), null),
        204);
    JsonArray members = expect(api.get("/v1/channels/" + group + "/members", bob.accessToken()), 200)
        .bodyAsJsonObject().getJsonArray("members");
    assertThat(members).hasSize(1);
    assertThat(members.getJsonObject(0).getString("role")).isEqualTo("admin");
  }

  @Test
  @DisplayName("DM memberships are fixed; groups stop at the member limit with 409 member_limit_reached")
  void dmFixedAndMemberLimit() {
    Session alice = api.newUser();
    Session bob = api.newUser();
    Session carol = api.newUser();
    Session dave = api.newUser();
    Session erin = api.newUser();
    String dm = expect(openDm(alice, bob), 201).bodyAsJsonObject().getString("channelId");
    problem(api.post("/v1/channels/" + dm + "/members", alice.accessToken(), user(carol.userId())), 409, "not_a_group");
    problem(api.send(HttpMethod.DELETE, "/v1/channels/" + dm + "/members/" + alice.userId(), alice.accessToken(), null),
        409, "not_a_group");

    String group = createGroup(alice, bob, carol, dave);
    problem(api.post("/v1/channels/" + group + "/members", alice.accessToken(), user(erin.userId())),
        409, "member_limit_reached");
    problem(api.post("/v1/channels", alice.accessToken(), new JsonObject().put("name", "big").put("memberIds",
        new JsonArray().add(bob.userId().toString()).add(carol.userId().toString()).add(dave.userId().toString())
            .add(erin.userId().toString()))), 409, "member_limit_reached");
  }

  @Test
  @DisplayName("every membership add, removal and leave is published on parley.membership.changed")
  void membershipEvents() {
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> consumer = api.vertx.eventBus().consumer(Addresses.MEMBERSHIP_CHANGED,
        msg -> events.add(msg.body()));
    await(consumer.completion());
    Session admin = api.newUser();
    Session bob = api.newUser();
    Session carol = api.newUser();
    String group = createGroup(admin, bob);
    expect(api.post("/v1/channels/" + group + "/members", admin.accessToken(), user(carol.userId())), 201);
    expect(api.send(HttpMethod.DELETE, "/v1/channels/" + group + "/members/" + bob.userId(), admin.accessToken(), null), 204);
    expect(api.send(HttpMethod.DELETE, "/v1/channels/" + group + "/members/" + carol.userId(), carol.accessToken(), null),
        204);
    String dm = expect(openDm(admin, bob), 201).bodyAsJsonObject().getString("channelId");

    // Publishing happens before the HTTP answer, and local delivery is ordered, so all have arrived by now.
    await(api.vertx.timer(200));
    await(consumer.unregister());
    List<String> seen = events.stream().filter(e -> e.getString("channelId").equals(group) || e.getString("channelId").equals(dm))
        .map(e -> e.getString("change") + " " + e.getString("userId") + (e.getString("channelId").equals(dm) ? " dm" : ""))
        .toList();
    assertThat(seen).containsExactlyInAnyOrder(
        "added " + admin.userId(), "added " + bob.userId(), "added " + carol.userId(),
        "removed " + bob.userId(), "removed " + carol.userId(),
        "added " + admin.userId() + " dm", "added " + bob.userId() + " dm");
  }

  private static long count(String sql, Object arg) {
    return await(api.clients.pg().preparedQuery(sql).execute(Tuple.of(arg))).iterator().next().getLong(0);
  }
}
