package dev.parley.discovery;

import dev.parley.proto.discovery.v1.DiscoveryGrpcClient;
import dev.parley.proto.discovery.v1.GatewayInfo;
import dev.parley.proto.discovery.v1.ListGatewaysRequest;
import dev.parley.proto.discovery.v1.ListGatewaysResponse;
import dev.parley.proto.discovery.v1.PickGatewayRequest;
import dev.parley.proto.discovery.v1.PickGatewayResponse;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.Dependency;
import dev.parley.shared.deps.DependencyClients;
import dev.parley.shared.discovery.GatewayRecord;
import dev.parley.shared.discovery.GatewayRegistration;
import dev.parley.shared.it.ItConfig;
import io.etcd.jetcd.Client;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Discovery against the real etcd: registration with leases, watch-driven view, picks over gRPC. */
class DiscoveryIT {
  private Vertx vertx;
  private ParleyConfig config;
  private DependencyClients clients;
  private DiscoveryGrpcClient discovery;
  private String prefix;
  private final List<GatewayRegistration> registrations = new ArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    // A key prefix per test, so tests never see each other's (or a dev cluster's) gateways.
    prefix = "/parley-it/" + UUID.randomUUID() + "/";
    config = ItConfig.load(vertx, new JsonObject()
        .put("etcd", new JsonObject().put("keyPrefix", prefix))
        .put("discovery", new JsonObject().put("port", 0)));
    clients = DependencyClients.create(vertx, config, EnumSet.of(Dependency.ETCD));
    DiscoveryVerticle verticle = new DiscoveryVerticle(config, clients);
    await(vertx.deployVerticle(verticle));
    GrpcClient grpc = GrpcClient.client(vertx, new GrpcClientOptions().setTimeout(3).setTimeoutUnit(TimeUnit.SECONDS)
        .setScheduleDeadlineAutomatically(true));
    discovery = DiscoveryGrpcClient.create(grpc, SocketAddress.inetSocketAddress(verticle.port(), "127.0.0.1"));
  }

  @AfterEach
  void tearDown() {
    registrations.forEach(r -> await(r.deregister().recover(e -> Future.succeededFuture())));
    await(clients.close());
    await(vertx.close());
  }

  private GatewayRegistration register(Client etcd, String id, String region, int capacity, int connections) {
    GatewayRecord record = new GatewayRecord(id, "ws://127.0.0.1:1/" + id, region, capacity, connections, 1, false,
        System.currentTimeMillis());
    GatewayRegistration reg = new GatewayRegistration(vertx, etcd, prefix, record, 2, 500,
        () -> new GatewayRegistration.Load(connections, 1), Clock.systemUTC());
    await(reg.start());
    registrations.add(reg);
    return reg;
  }

  private ListGatewaysResponse awaitView(Predicate<ListGatewaysResponse> until, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    ListGatewaysResponse last = null;
    while (Instant.now().isBefore(deadline)) {
      last = await(discovery.listGateways(ListGatewaysRequest.getDefaultInstance()));
      if (until.test(last)) {
        return last;
      }
      await(Future.future(p -> vertx.setTimer(100, id -> p.complete())));
    }
    throw new AssertionError("discovery view never satisfied the condition within " + timeout + "; last: " + last);
  }

  private String pick(String region, String previous) {
    PickGatewayResponse r = await(discovery.pickGateway(PickGatewayRequest.newBuilder().setUserId("u").setDeviceId("d")
        .setRegion(region).setPreviousNodeId(previous).build()));
    return r.getGateway().getNodeId();
  }

  @Test
  @DisplayName("300 picks over three registered gateways of different capacities follow their free capacity")
  void proportionalAssignments() {
    register(clients.etcd(), "gw-a", "local", 1_000, 0);
    register(clients.etcd(), "gw-b", "local", 2_000, 0);
    register(clients.etcd(), "gw-c", "local", 3_000, 0);
    awaitView(v -> v.getGatewaysCount() == 3, Duration.ofSeconds(10));
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      counts.merge(pick("local", ""), 1, Integer::sum);
    }
    assertThat(counts.get("gw-a")).isBetween(40, 60);
    assertThat(counts.get("gw-b")).isBetween(85, 115);
    assertThat(counts.get("gw-c")).isBetween(135, 165);
  }

  @Test
  @DisplayName("a gateway that dies without deregistering disappears when its lease expires and is no longer picked")
  void deadGatewayExpires() {
    register(clients.etcd(), "gw-live", "local", 100, 0);
    // The dying gateway lives in its own Vert.x instance with its own etcd client, like a separate JVM.
    Vertx other = Vertx.vertx();
    Client doomed = Client.builder().endpoints(config.etcd().endpoints().toArray(String[]::new)).build();
    GatewayRecord record = new GatewayRecord("gw-dying", "ws://127.0.0.1:1/x", "local", 10_000, 0, 1, false, 0);
    await(new GatewayRegistration(other, doomed, prefix, record, 2, 500, () -> new GatewayRegistration.Load(0, 1),
        Clock.systemUTC()).start());
    awaitView(v -> v.getGatewaysCount() == 2, Duration.ofSeconds(10));
    // kill -9 in effect: keep-alives and refreshes stop, nothing is revoked.
    await(other.close());
    doomed.close();
    Instant killedAt = Instant.now();
    ListGatewaysResponse view = awaitView(v -> v.getGatewaysList().stream().map(GatewayInfo::getNodeId)
        .toList().equals(List.of("gw-live")), Duration.ofSeconds(15));
    assertThat(Duration.between(killedAt, Instant.now())).as("gone within lease TTL + slack").isLessThan(Duration.ofSeconds(8));
    assertThat(view.getGatewaysList()).extracting(GatewayInfo::getNodeId).containsExactly("gw-live");
    for (int i = 0; i < 20; i++) {
      assertThat(pick("local", "gw-dying")).isEqualTo("gw-live");
    }
  }

  @Test
  @DisplayName("a draining gateway stops getting assignments; a deregistered one leaves the view at once")
  void drainAndDeregister() {
    GatewayRegistration a = register(clients.etcd(), "gw-a", "local", 100, 0);
    register(clients.etcd(), "gw-b", "local", 100, 0);
    awaitView(v -> v.getGatewaysCount() == 2, Duration.ofSeconds(10));
    await(a.drain());
    awaitView(v -> v.getGatewaysList().stream().anyMatch(g -> g.getNodeId().equals("gw-a") && g.getDraining()),
        Duration.ofSeconds(5));
    for (int i = 0; i < 20; i++) {
      assertThat(pick("local", "gw-a")).isEqualTo("gw-b");
    }
    await(a.deregister());
    registrations.remove(a);
    awaitView(v -> v.getGatewaysCount() == 1, Duration.ofSeconds(5));
  }

  @Test
  @DisplayName("with no gateway able to take a client, PickGateway fails with NOT_FOUND")
  void noGateway() {
    assertThatThrownBy(() -> pick("local", ""))
        .rootCause().isInstanceOf(InvalidStatusException.class)
        .matches(e -> ((InvalidStatusException) e).actualStatus() == GrpcStatus.NOT_FOUND);
  }

  @Test
  @DisplayName("etcd stopped: picks keep coming from the last known view, marked stale; fresh again when etcd returns")
  void etcdOutage() throws Exception {
    register(clients.etcd(), "gw-a", "local", 100, 0);
    awaitView(v -> v.getGatewaysCount() == 1 && !v.getStaleView(), Duration.ofSeconds(10));
    try {
      assertThat(infra("stop", "etcd")).isZero();
      ListGatewaysResponse stale = awaitView(ListGatewaysResponse::getStaleView, Duration.ofSeconds(20));
      assertThat(stale.getGatewaysList()).extracting(GatewayInfo::getNodeId).containsExactly("gw-a");
      PickGatewayResponse during = await(discovery.pickGateway(PickGatewayRequest.getDefaultInstance()));
      assertThat(during.getGateway().getNodeId()).isEqualTo("gw-a");
      assertThat(during.getStaleView()).isTrue();
    } finally {
      assertThat(infra("start", "etcd")).isZero();
    }
    awaitView(v -> !v.getStaleView() && v.getGatewaysCount() == 1, Duration.ofSeconds(30));
  }

  private static int infra(String... args) throws Exception {
    Path repo = Path.of("..", "..").toAbsolutePath().normalize();
    List<String> cmd = new ArrayList<>(List.of(repo.resolve("scripts/infra").toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of("target", "infra-from-it.log").toFile())).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("scripts/infra " + String.join(" ", args) + " did not finish in 120 s");
    }
    return p.exitValue();
  }
}
