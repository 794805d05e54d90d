package dev.parley.node;

import dev.parley.node.CliProcess.Result;
import dev.parley.shared.it.ItConfig;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

import static dev.parley.node.MessagePathFixture.await;
import static dev.parley.node.MessagePathFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code parley} CLI end to end (issue 13): its real shaded jar, one JVM per command, against a private cluster of
 * two node JVMs on the real services — "cli-a" runs a gateway and the api role, "cli-b" a gateway and the message
 * role; alice's device uses gateway a and bob's gateway b, so every message crosses nodes. Users sign up through the
 * CLI. The tests run in order and share the users; each asserts outputs and the documented exit codes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliIT {
  private static final String PASSWORD = "correct horse battery 42";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
  private static final String ALICE = "alice" + SUFFIX;
  private static final String BOB = "bob" + SUFFIX;
  private static final String CAROL = "carol" + SUFFIX;
  private static MessagePathFixture fx;
  private static CliProcess cli;
  private static String server;
  private static String dmChannel;

  @BeforeAll
  static void start() throws Exception {
    assertThat(CliProcess.JAR).as("the CLI jar (built by -pl verticles/node -am)").exists();
    fx = new MessagePathFixture(28_101);
    String kid;
    try (Stream<Path> files = Files.list(ItConfig.keysDir())) {
      kid = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".private.pem")).findFirst()
          .orElseThrow().replace(".private.pem", "");
    }
    Path media = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "cli-it-media");
    int gwA = NodeProcess.freePort();
    int gwB = NodeProcess.freePort();
    fx.gatewayPorts.put("cli-a", gwA);
    fx.gatewayPorts.put("cli-b", gwB);
    JsonObject apiConf = new JsonObject()
        .put("auth", new JsonObject().put("signingKeyId", kid)
            .put("passwordHashing", new JsonObject().put("memoryKib", 1024).put("iterations", 1)))
        .put("api", new JsonObject().put("port", fx.apiPort).put("rateLimit", new JsonObject()
            // Signup/login limits count per address in the shared Redis, and every test comes from 127.0.0.1.
            .put("loginPerAccount", 100_000).put("loginPerAddress", 100_000).put("signupPerAddress", 100_000)))
        .put("media", new JsonObject().put("dataDir", media.toString()));
    NodeProcess a = NodeProcess.start("cli-a", fx.cluster, fx.hzPort, List.of("gateway", "api"), fx.nodeConf(gwA, apiConf));
    fx.nodes.put("cli-a", a);
    NodeProcess b = NodeProcess.start("cli-b", fx.cluster, fx.hzPort, List.of("gateway", "message"),
        fx.nodeConf(gwB, new JsonObject()));
    fx.nodes.put("cli-b", b);
    fx.awaitReady(a, b);
    server = fx.apiUrl();
    cli = new CliProcess(Files.createTempDirectory(Path.of("target").toAbsolutePath(), "cli-it-home"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  private static Result ok(Result r) {
    assertThat(r.exit()).as(r.toString()).isZero();
    return r;
  }

  /** A refusal: the exit code, and exactly one line on stderr. */
  private static Result refused(Result r, int exit) {
    assertThat(r.exit()).as(r.toString()).isEqualTo(exit);
    assertThat(r.err().lines().filter(l -> l.startsWith("parley: ")).count()).as(r.toString()).isEqualTo(1);
    return r;
  }

  private static Result signup(String user, String gateway) throws Exception {
    return cli.run(user, PASSWORD + "\n", "signup", "--server", server, "--username", user, "--password-stdin",
        "--gateway", fx.wsUrl(gateway), "--device-name", user + "-laptop");
  }

  private static JsonObject profile(String name) throws java.io.IOException {
    return new JsonObject(Files.readString(cli.home().resolve("config").resolve(name + ".json")));
  }

  @Test
  @Order(1)
  @DisplayName("signup stores a session per profile in files only the owner can read")
  void signupStoresPrivateProfiles() throws Exception {
    assertThat(ok(signup(ALICE, "cli-a")).out()).contains("signed up " + ALICE);
    ok(signup(BOB, "cli-b"));
    ok(signup(CAROL, "cli-a"));
    Path config = cli.home().resolve("config");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rwx------");
    Path profile = config.resolve(ALICE + ".json");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(profile))).isEqualTo("rw-------");
    String stored = Files.readString(profile);
    assertThat(stored).contains("accessToken", "refreshToken").doesNotContain(PASSWORD);
    assertThat(ok(cli.run(ALICE, null, "whoami")).out()).contains(ALICE, server);
  }

  @Test
  @Order(2)
  @DisplayName("two users chat through the CLI: open tails live across gateways, stdin sends, history keeps the order")
  void twoUsersChat() throws Exception {
    dmChannel = ok(cli.run(ALICE, null, "dm", BOB)).out().trim();
    assertThat(UUID.fromString(dmChannel).toString()).isEqualTo(dmChannel);
    CliProcess.Running bobOpen = cli.start(BOB, null, "open", "@" + ALICE, "--count", "2", "--no-input");
    eventually(WAIT, () -> bobOpen.stderr().contains("-- live:") || !bobOpen.process().isAlive(),
        () -> "bob's open never went live: " + bobOpen.result(-1));
    // One command at a time per device: a second one would advance its own copy of the MLS state.
    assertThat(refused(cli.run(BOB, null, "send", "@" + ALICE, "not", "now"), 1).err()).contains("another parley command");
    assertThat(ok(cli.run(ALICE, null, "send", "@" + BOB, "hello", "bob")).out()).containsPattern("sent #\\d+ to " + dmChannel);
    // alice types a line into her own open: it is sent, and shown to her once stored
    Result aliceOpen = ok(cli.start(ALICE, "typed in open\n", "open", dmChannel, "--count", "1", "--last", "0").await());
    assertThat(aliceOpen.out()).containsPattern("#\\d+ " + ALICE + ": typed in open");
    Result bobSaw = ok(bobOpen.await());
    assertThat(bobSaw.out().lines().toList()).hasSize(2);
    assertThat(bobSaw.out()).containsSubsequence(ALICE + ": hello bob", ALICE + ": typed in open");

    ok(cli.run(BOB, null, "send", "@" + ALICE, "hi", "alice"));
    List<String> history = ok(cli.run(ALICE, null, "history", "@" + BOB)).out().lines().toList();
    assertThat(history).hasSize(3);
    assertThat(history.get(0)).endsWith(ALICE + ": hello bob");
    assertThat(history.get(1)).endsWith(ALICE + ": typed in open");
    assertThat(history.get(2)).endsWith(BOB + ": hi alice");
    // End to end: the server's copy of the messages is MLS ciphertext, never the text.
    var stored = await(WebClient.create(fx.vertx).getAbs(server + "/v1/channels/" + dmChannel + "/messages")
        .bearerTokenAuthentication(profile(ALICE).getString("accessToken")).send()).bodyAsJsonObject();
    assertThat(stored.getJsonArray("messages")).isNotEmpty();
    stored.getJsonArray("messages").forEach(o -> assertThat(new String(Base64.getDecoder().decode(
        ((JsonObject) o).getString("payload")), java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("hello bob", "typed in open", "hi alice"));
  }

  @Test
  @Order(3)
  @DisplayName("chats lists unread counts: open marked bob's chat read, alice has one unread; mark-unread flags it")
  void chatsShowUnread() throws Exception {
    String alice = ok(cli.run(ALICE, null, "chats")).out();
    assertThat(alice.lines().filter(l -> l.contains(dmChannel)).findFirst().orElseThrow())
        .startsWith("   1  @" + BOB).contains(BOB + ": hi alice");
    String bob = ok(cli.run(BOB, null, "chats")).out();
    assertThat(bob.lines().filter(l -> l.contains(dmChannel)).findFirst().orElseThrow()).startsWith("   -  @" + ALICE);
    ok(cli.run(BOB, null, "chats", "mark-unread", "@" + ALICE));
    assertThat(ok(cli.run(BOB, null, "chats")).out().lines().filter(l -> l.contains(dmChannel)).findFirst()
        .orElseThrow()).startsWith("   •  @" + ALICE);
    ok(cli.run(ALICE, null, "chats", "read", "@" + BOB));
    assertThat(ok(cli.run(ALICE, null, "chats")).out().lines().filter(l -> l.contains(dmChannel)).findFirst()
        .orElseThrow()).startsWith("   -  @" + BOB);
  }

  @Test
  @Order(4)
  @DisplayName("groups: create with a member, send by name, add a member who reads from then on (not before: forward "
      + "secrecy); an outsider's history is exit 4")
  void groups() throws Exception {
    String team = "team " + SUFFIX;
    String group = ok(cli.run(ALICE, null, "group", "create", team, BOB)).out().trim();
    ok(cli.run(ALICE, null, "send", team, "hello", "team"));
    assertThat(ok(cli.run(BOB, null, "history", group)).out()).contains(ALICE + ": hello team");
    refused(cli.run(CAROL, null, "history", group), 4);
    refused(cli.run(BOB, null, "group", "add", group, CAROL), 4); // only admins add
    ok(cli.run(ALICE, null, "group", "add", team, CAROL));
    ok(cli.run(ALICE, null, "send", team, "welcome", "carol"));
    String carolSees = ok(cli.run(CAROL, null, "history", team)).out();
    assertThat(carolSees).contains(ALICE + ": welcome carol").doesNotContain("hello team");
    assertThat(carolSees).contains(ALICE + ": [cannot decrypt");
    assertThat(ok(cli.run(CAROL, null, "group", "members", group)).out()).contains(ALICE + "  admin", BOB + "  member");
    ok(cli.run(CAROL, null, "group", "leave", group));
    refused(cli.run(CAROL, null, "send", group, "still", "here?"), 4);
  }

  @Test
  @Order(5)
  @DisplayName("send-file and download: byte-identical through the attachment API; not the outsider's")
  void files() throws Exception {
    byte[] bytes = new byte[300_000];
    new Random(7).nextBytes(bytes);
    Path file = cli.home().resolve("photo.bin");
    Files.write(file, bytes);
    Result sent = ok(cli.run(ALICE, null, "send-file", "@" + BOB, file.toString()));
    String ref = sent.out().replaceAll("(?s).*parley download (\\S+) <path>.*", "$1").trim();
    assertThat(ref).startsWith(dmChannel + ":");
    assertThat(ok(cli.run(BOB, null, "history", "@" + ALICE, "--last", "1")).out()).contains("[file photo.bin, 300000 bytes]");
    Path got = cli.home().resolve("got.bin");
    ok(cli.run(BOB, null, "download", ref, got.toString()));
    assertThat(Files.readAllBytes(got)).isEqualTo(bytes);
    refused(cli.run(BOB, null, "download", ref, got.toString()), 2); // exists: --force to overwrite
    refused(cli.run(CAROL, null, "download", ref, cli.home().resolve("carol.bin").toString()), 4);
    refused(cli.run(ALICE, null, "send-file", "@" + BOB, cli.home().resolve("missing.bin").toString()), 2);
  }

  @Test
  @Order(6)
  @DisplayName("safety numbers: both sides read the same 60 digits; a new device key of bob's changes it with a warning")
  void safetyNumbers() throws Exception {
    Result fromAlice = ok(cli.run(ALICE, null, "safety-number", BOB));
    String number = fromAlice.out().lines().findFirst().orElseThrow();
    assertThat(number).matches("(\\d{5} ){11}\\d{5}");
    assertThat(ok(cli.run(BOB, null, "safety-number", ALICE)).out().lines().findFirst().orElseThrow()).isEqualTo(number);

    // bob signs in on a second device, which registers its key when it first connects: alice is told on her next check
    ok(cli.run(BOB + "-tablet", PASSWORD + "\n", "login", "--server", server, "--username", BOB, "--password-stdin",
        "--gateway", fx.wsUrl("cli-a"), "--device-name", "tablet"));
    ok(cli.run(BOB + "-tablet", null, "history", "@" + ALICE, "--last", "1"));
    String tablet = profile(BOB + "-tablet").getString("deviceId");
    Result again = ok(cli.run(ALICE, null, "safety-number", BOB));
    assertThat(again.out().lines().findFirst().orElseThrow()).isNotEqualTo(number);
    assertThat(again.err()).contains("keys changed since your last check: device " + tablet + " added");
    assertThat(ok(cli.run(BOB, null, "safety-number", ALICE)).out().lines().findFirst().orElseThrow())
        .isEqualTo(again.out().lines().findFirst().orElseThrow());
  }

  @Test
  @Order(7)
  @DisplayName("devices: a second device is listed and removing it ends its session (exit 3 afterwards)")
  void devices() throws Exception {
    ok(cli.run(ALICE + "-phone", PASSWORD + "\n", "login", "--server", server, "--username", ALICE,
        "--password-stdin", "--gateway", fx.wsUrl("cli-b"), "--device-name", "phone"));
    String phone = profile(ALICE + "-phone").getString("deviceId");
    String list = ok(cli.run(ALICE, null, "devices")).out();
    assertThat(list.lines().toList()).hasSize(2);
    assertThat(list.lines().filter(l -> l.startsWith("* ")).count()).isEqualTo(1);
    assertThat(list).contains(phone + "  phone");
    ok(cli.run(ALICE, null, "devices", "remove", phone));
    refused(cli.run(ALICE + "-phone", null, "chats"), 3);
    ok(cli.run(BOB, null, "logout"));
    refused(cli.run(BOB, null, "chats"), 3);
  }

  @Test
  @Order(8)
  @DisplayName("refusals give one stderr line and the documented exit code")
  void refusals() throws Exception {
    refused(cli.run(ALICE, null), 2);
    refused(cli.run(ALICE, null, "send", "@" + BOB), 2);
    refused(cli.run(ALICE, null, "--bogus", "chats"), 2);
    refused(cli.run(ALICE, null, "history", "@" + BOB, "--last", "0"), 2);
    refused(cli.run(ALICE, null, "devices", "remove", "not-an-id"), 2);
    assertThat(refused(cli.run("wrong", "not the password at all\n", "login", "--server", server, "--username", ALICE,
        "--password-stdin"), 3).err()).contains("wrong username or password");
    refused(cli.run("nobody", null, "chats"), 3);
    refused(cli.run(ALICE, null, "dm", "nosuchuser" + SUFFIX), 4);
    refused(cli.run(ALICE, null, "history", UUID.randomUUID().toString()), 4);
    refused(cli.run(ALICE, null, "send", "no such group " + SUFFIX, "hi"), 4);
    int closed = NodeProcess.freePort();
    refused(cli.run("offline", PASSWORD + "\n", "login", "--server", "http://127.0.0.1:" + closed, "--username", ALICE,
        "--password-stdin"), 5);
    assertThat(ok(cli.run(ALICE, null, "--help")).out()).contains("Exit codes: 0 ok", "send-file", "safety-number");
  }
}
