package dev.parley.node;

import dev.parley.client.Message;
import dev.parley.client.ParleyClient;
import dev.parley.shared.auth.AccessTokens;
import dev.parley.shared.auth.JwtKeys;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.DependencyClients;
import dev.parley.shared.it.ItConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Shared set-up of the message-path ITs: gateway and message node JVMs in a private cluster, users, devices and
 * channels written straight into Postgres (as the api role would), access tokens minted with the test key pair,
 * and connected clients. Blocking helpers for test threads only; every wait has a deadline.
 */
final class MessagePathFixture implements AutoCloseable {
  final Vertx vertx = Vertx.vertx();
  final ParleyConfig config;
  final String cluster = "it-" + UUID.randomUUID();
  final String group = "it-msg-" + UUID.randomUUID();
  /**
   * A message topic of this test class alone: other suites running at the same time on the same Kafka (with their
   * own consumer groups) would otherwise also store and fan out this class's sends, racing its message node.
   */
  final String topic = "parley.messages.it-" + UUID.randomUUID();
  final int hzPort;
  private final Pool pg;
  private final AccessTokens tokens;
  private final List<ParleyClient> clients = new ArrayList<>();
  final Map<String, NodeProcess> nodes = new HashMap<>();
  final Map<String, Integer> gatewayPorts = new HashMap<>();

  /** A user with one device. */
  record Device(UUID userId, UUID deviceId, String token) {
  }

  /** A connected client and everything it delivered, in order. */
  record Conn(ParleyClient client, Device device, List<Message> received, List<JsonObject> frames,
              List<Throwable> violations) {
  }

  MessagePathFixture(int hzPort) throws Exception {
    this.hzPort = hzPort;
    this.config = ItConfig.load(vertx);
    ItConfig.migrate(vertx, config);
    DependencyClients deps = DependencyClients.create(vertx, config, EnumSet.of(dev.parley.shared.deps.Dependency.POSTGRES));
    this.pg = deps.pg();
    this.tokens = new AccessTokens(vertx, await(JwtKeys.load(vertx, ItConfig.keysDir().toString(), "", true)),
        config.auth().issuer(), config.auth().audience(), 3_600, 0, java.time.Clock.systemUTC());
    createTopic();
  }

  private void createTopic() throws Exception {
    Map<String, Object> props = Map.of("bootstrap.servers", config.kafka().bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      admin.createTopics(List.of(new NewTopic(topic, config.kafka().messagesPartitions(),
          (short) config.kafka().replicationFactor()))).all().get(30, TimeUnit.SECONDS);
    }
  }

  JsonObject nodeConf(int gatewayPort, JsonObject extra) {
    JsonObject conf = new JsonObject()
        .put("auth", new JsonObject().put("keysDir", ItConfig.keysDir().toString()))
        .put("gateway", new JsonObject().put("port", gatewayPort).put("publicUrl", "ws://127.0.0.1:" + gatewayPort + "/ws"))
        .put("message", new JsonObject().put("consumerGroup", group))
        .put("kafka", new JsonObject().put("messagesTopic", topic));
    return conf.mergeIn(extra, true);
  }

  NodeProcess startGateway(String id, JsonObject extra) throws Exception {
    int port = gatewayPorts.containsKey(id) ? gatewayPorts.get(id) : NodeProcess.freePort();
    gatewayPorts.put(id, port);
    NodeProcess n = NodeProcess.start(id, cluster, hzPort, List.of("gateway"), nodeConf(port, extra));
    nodes.put(id, n);
    return n;
  }

  final int apiPort = freePortUnchecked();

  /** An api-role node on {@link #apiPort} (accounts, tokens, channels and the history route). */
  NodeProcess startApi(String id) throws Exception {
    NodeProcess n = NodeProcess.start(id, cluster, hzPort, List.of("api"), nodeConf(NodeProcess.freePort(),
        new JsonObject().put("api", new JsonObject().put("port", apiPort).put("rateLimit", new JsonObject()
            // Signup/login limits count per address in the shared Redis: tests all come from 127.0.0.1.
            .put("loginPerAccount", 100_000).put("loginPerAddress", 100_000).put("signupPerAddress", 100_000)))));
    nodes.put(id, n);
    return n;
  }

  /** The fixture's PostgreSQL pool (tests read rows directly). */
  Pool pg() {
    return pg;
  }

  String apiUrl() {
    return "http://127.0.0.1:" + apiPort;
  }

  private static int freePortUnchecked() {
    try {
      return NodeProcess.freePort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  NodeProcess startMessage(String id) throws Exception {
    NodeProcess n = NodeProcess.start(id, cluster, hzPort, List.of("message"), nodeConf(NodeProcess.freePort(),
        new JsonObject()));
    nodes.put(id, n);
    return n;
  }

  void awaitReady(NodeProcess... ns) {
    for (NodeProcess n : ns) {
      n.await("/ready", r -> r.status() == 200, Duration.ofSeconds(120));
    }
  }

  String wsUrl(String gatewayId) {
    return "ws://127.0.0.1:" + gatewayPorts.get(gatewayId) + "/ws";
  }

  /** Where clients read history: the api role (start one on {@link #apiPort} to use it). */
  String restUrl() {
    return apiUrl();
  }

  Device user() {
    UUID user = UUID.randomUUID();
    await(pg.preparedQuery("INSERT INTO users (id, username, display_name, password_hash) VALUES ($1, $2, $2, 'x')")
        .execute(Tuple.of(user, "it-" + user)));
    return device(user);
  }

  Device device(UUID user) {
    UUID device = UUID.randomUUID();
    await(pg.preparedQuery("INSERT INTO devices (id, user_id, name) VALUES ($1, $2, 'it')").execute(Tuple.of(device, user)));
    return new Device(user, device, tokens.issue(user, device));
  }

  UUID channel(Device creator, List<Device> members) {
    UUID channel = UUID.randomUUID();
    await(pg.preparedQuery("INSERT INTO channels (id, kind, name, created_by) VALUES ($1, 'group', 'it', $2)")
        .execute(Tuple.of(channel, creator.userId())));
    List<UUID> users = members.stream().map(Device::userId).distinct().toList();
    for (UUID u : users) {
      await(pg.preparedQuery("INSERT INTO channel_members (channel_id, user_id) VALUES ($1, $2)").execute(Tuple.of(channel, u)));
      await(pg.preparedQuery("INSERT INTO user_channels (user_id, channel_id) VALUES ($1, $2)").execute(Tuple.of(u, channel)));
    }
    return channel;
  }

  /** A client whose gateway list starts with {@code first} (it fails over to the others). */
  Conn connect(Device d, String... gatewayIds) {
    Conn c = open(d, gatewayIds);
    await(c.client().connect());
    return c;
  }

  Conn open(Device d, String... gatewayIds) {
    List<String> urls = new ArrayList<>();
    for (String id : gatewayIds) {
      urls.add(wsUrl(id));
    }
    List<Message> received = new CopyOnWriteArrayList<>();
    List<JsonObject> frames = new CopyOnWriteArrayList<>();
    List<Throwable> violations = new CopyOnWriteArrayList<>();
    ParleyClient client = ParleyClient.create(vertx, new ParleyClient.Options(urls, restUrl(), d.userId(), d.deviceId(),
        d.token())).onMessage(received::add).onFrame(frames::add).onChainViolation(violations::add);
    clients.add(client);
    return new Conn(client, d, received, frames, violations);
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(150, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("operation failed or timed out: " + e, e);
    }
  }

  static void eventually(Duration timeout, BooleanSupplier condition, Supplier<String> what) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (condition.getAsBoolean()) {
        return;
      }
      NodeProcess.pause(50);
    }
    throw new AssertionError("not within " + timeout + ": " + what.get());
  }

  /**
   * The cluster of the message-path ITs, all ready: gateways {@code <prefix>-gw1} and {@code <prefix>-gw2} (with
   * {@code gatewayConf}), the message node {@code <prefix>-msg1} and the api node {@code <prefix>-api} (history: what
   * clients fill gaps from and tests reconcile against). Nodes started before a failure are stopped.
   */
  static MessagePathFixture startCluster(int hzPort, String prefix, JsonObject gatewayConf) throws Exception {
    MessagePathFixture fx = new MessagePathFixture(hzPort);
    try {
      NodeProcess gw1 = fx.startGateway(prefix + "-gw1", gatewayConf);
      NodeProcess gw2 = fx.startGateway(prefix + "-gw2", gatewayConf);
      NodeProcess msg = fx.startMessage(prefix + "-msg1");
      NodeProcess api = fx.startApi(prefix + "-api");
      fx.awaitReady(gw1, gw2, msg, api);
      return fx;
    } catch (Exception | AssertionError e) {
      fx.close();
      throw e;
    }
  }

  /** Closes each resource that exists: an {@code @AfterAll} also runs after a {@code @BeforeAll} that failed half-way. */
  static void closeAll(AutoCloseable... resources) throws Exception {
    for (AutoCloseable r : resources) {
      if (r != null) {
        r.close();
      }
    }
  }

  /** A two-member channel whose sender and receiver are connected to different gateways. */
  record Dm(UUID channel, Conn sender, Conn receiver) {
  }

  /**
   * {@code count} DMs between new users: senders on {@code <prefix>-gw1}, receivers on {@code <prefix>-gw2}, each
   * failing over to the other gateway.
   */
  List<Dm> dms(int count, String prefix) {
    List<Dm> dms = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Device a = user();
      Device b = user();
      dms.add(new Dm(channel(a, List.of(a, b)), connect(a, prefix + "-gw1", prefix + "-gw2"),
          connect(b, prefix + "-gw2", prefix + "-gw1")));
    }
    return dms;
  }

  @Override
  public void close() throws Exception {
    for (ParleyClient c : clients) {
      c.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    for (NodeProcess n : nodes.values()) {
      n.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}
