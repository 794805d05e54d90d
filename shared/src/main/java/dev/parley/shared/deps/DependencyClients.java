package dev.parley.shared.deps;

import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import dev.parley.shared.config.ParleyConfig;
import io.etcd.jetcd.Client;
import io.vertx.cassandra.CassandraClient;
import io.vertx.cassandra.CassandraClientOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The clients of one node for exactly the dependencies its roles need, created once and shared by the
 * verticles of that node. Every client reconnects by itself after its server comes back, so a node started
 * while a dependency is down becomes ready once it is up, without a restart.
 */
public final class DependencyClients {
  private final Vertx vertx;
  private final Set<Dependency> enabled;
  private final Pool pg;
  private final Redis redis;
  private final CassandraClient cassandra;
  private final KafkaAdminClient kafkaAdmin;
  private final Client etcd;

  private DependencyClients(Vertx vertx, ParleyConfig config, Set<Dependency> enabled) {
    this.vertx = vertx;
    this.enabled = Set.copyOf(enabled);
    this.pg = enabled.contains(Dependency.POSTGRES) ? pgPool(vertx, config.pg()) : null;
    this.redis = enabled.contains(Dependency.REDIS) ? redis(vertx, config.redis()) : null;
    this.cassandra = enabled.contains(Dependency.CASSANDRA) ? cassandra(vertx, config.cassandra()) : null;
    this.kafkaAdmin = enabled.contains(Dependency.KAFKA) ? kafkaAdmin(vertx, config.kafka()) : null;
    this.etcd = enabled.contains(Dependency.ETCD) ? etcd(config.etcd()) : null;
  }

  /** Creates clients for {@code dependencies}; none of them connects until first used. */
  public static DependencyClients create(Vertx vertx, ParleyConfig config, Set<Dependency> dependencies) {
    return new DependencyClients(vertx, config, dependencies);
  }

  public Set<Dependency> enabled() {
    return enabled;
  }

  public Pool pg() {
    return require(pg, Dependency.POSTGRES);
  }

  public Redis redis() {
    return require(redis, Dependency.REDIS);
  }

  public CassandraClient cassandra() {
    return require(cassandra, Dependency.CASSANDRA);
  }

  public KafkaAdminClient kafkaAdmin() {
    return require(kafkaAdmin, Dependency.KAFKA);
  }

  public Client etcd() {
    return require(etcd, Dependency.ETCD);
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Closes every client; failures are collected, never thrown half-way. */
  public Future<Void> close() {
    List<Future<?>> closing = new ArrayList<>();
    if (pg != null) {
      closing.add(pg.close());
    }
    if (redis != null) {
      closing.add(redis.close());
    }
    if (cassandra != null) {
      closing.add(cassandra.close());
    }
    if (kafkaAdmin != null) {
      closing.add(kafkaAdmin.close(2_000));
    }
    if (etcd != null) {
      closing.add(vertx.executeBlocking(() -> {
        etcd.close();
        return null;
      }));
    }
    return Future.join(closing).mapEmpty();
  }

  private <T> T require(T client, Dependency dependency) {
    if (client == null) {
      throw new IllegalStateException(dependency.wireName() + " is not among this node's dependencies " + enabled
          + "; add a role that needs it");
    }
    return client;
  }

  static Pool pgPool(Vertx vertx, ParleyConfig.PgConfig c) {
    PgConnectOptions connect = new PgConnectOptions().setHost(c.host()).setPort(c.port())
        .setDatabase(c.database()).setUser(c.user()).setPassword(c.password())
        .setReconnectAttempts(0);
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(c.poolSize()).setConnectionTimeout(3)
            .setConnectionTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS))
        .connectingTo(connect).using(vertx).build();
  }

  static Redis redis(Vertx vertx, ParleyConfig.RedisConfig c) {
    RedisOptions options = new RedisOptions().setConnectionString(c.url()).setMaxPoolSize(c.poolSize())
        .setMaxPoolWaiting(c.maxWaiting());
    options.getNetClientOptions().setConnectTimeout(2_000);
    return Redis.createClient(vertx, options);
  }

  static CassandraClient cassandra(Vertx vertx, ParleyConfig.CassandraConfig c) {
    CassandraClientOptions options = new CassandraClientOptions();
    for (String hostPort : c.contactPoints()) {
      int colon = hostPort.lastIndexOf(':');
      options.addContactPoint(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
    options.dataStaxClusterBuilder().withLocalDatacenter(c.localDatacenter())
        .withConfigLoader(DriverConfigLoader.programmaticBuilder()
            .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, Duration.ofSeconds(3))
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(5))
            .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, Duration.ofSeconds(3))
            .withBoolean(DefaultDriverOption.RECONNECT_ON_INIT, true)
            .build());
    return CassandraClient.create(vertx, options);
  }

  static KafkaAdminClient kafkaAdmin(Vertx vertx, ParleyConfig.KafkaConfig c) {
    Map<String, String> props = Map.of(
        "bootstrap.servers", c.bootstrapServers(),
        "client.id", "parley-admin",
        "request.timeout.ms", "3000",
        "default.api.timeout.ms", "5000",
        "reconnect.backoff.max.ms", "2000");
    return KafkaAdminClient.create(vertx, props);
  }

  static Client etcd(ParleyConfig.EtcdConfig c) {
    return Client.builder().endpoints(c.endpoints().toArray(String[]::new))
        .connectTimeout(Duration.ofSeconds(2))
        .retryMaxDuration(Duration.ofSeconds(3))
        .build();
  }
}
