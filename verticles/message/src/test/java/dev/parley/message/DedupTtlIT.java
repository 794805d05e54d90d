package dev.parley.message;

import dev.parley.protocol.Envelope;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.Dependency;
import dev.parley.shared.deps.DependencyClients;
import dev.parley.shared.it.ItConfig;
import io.vertx.cassandra.ResultSet;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;

import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Dedup rows expire (issue 18): each is written with message.dedupTtlSeconds, on the real Cassandra. */
class DedupTtlIT {
  private static Vertx vertx;
  private static DependencyClients clients;
  private static ParleyConfig config;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
    config = ItConfig.load(vertx);
    ItConfig.migrate(vertx, config);
    clients = DependencyClients.create(vertx, config, EnumSet.of(Dependency.CASSANDRA));
  }

  @AfterAll
  static void tearDown() {
    await(clients.close());
    await(vertx.close());
  }

  private static Integer ttlOf(UUID channel, UUID device, String clientMsgId) {
    ResultSet rs = await(clients.cassandra().execute("SELECT TTL(seq) FROM " + config.cassandra().keyspace()
        + ".message_dedup WHERE channel_id = " + channel + " AND sender_device = " + device
        + " AND client_msg_id = '" + clientMsgId + "'"));
    var row = rs.one();
    return row == null || row.isNull(0) ? null : row.getInt(0);
  }

  @Test
  @DisplayName("a dedup row carries the configured TTL (default 30 days) and is still found meanwhile")
  void dedupRowsExpire() {
    int ttl = config.message().dedupTtlSeconds();
    assertThat(ttl).isEqualTo(30 * 86_400);
    MessageStore store = new MessageStore(clients.cassandra(), config.cassandra().keyspace(), 1_000, ttl);
    await(store.prepare());
    UUID channel = UUID.randomUUID();
    UUID device = UUID.randomUUID();
    Envelope env = new Envelope(channel, 1, 1, new byte[32], UUID.randomUUID(), device, "ttl-1", "application",
        "x".getBytes(StandardCharsets.UTF_8), System.currentTimeMillis());
    await(store.writeDedup(List.of(env)));
    assertThat(ttlOf(channel, device, "ttl-1")).as("remaining TTL").isBetween(ttl - 60, ttl);
    assertThat(await(store.findDuplicate(channel, device, "ttl-1"))).isEqualTo(1L);

    MessageStore shortLived = new MessageStore(clients.cassandra(), config.cassandra().keyspace(), 1_000, 86_400);
    await(shortLived.prepare());
    Envelope other = new Envelope(channel, 2, 2, new byte[32], env.senderUser(), device, "ttl-2", "application",
        "y".getBytes(StandardCharsets.UTF_8), System.currentTimeMillis());
    await(shortLived.writeDedup(List.of(other)));
    assertThat(ttlOf(channel, device, "ttl-2")).isBetween(86_400 - 60, 86_400);
  }
}
