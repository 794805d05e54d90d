package dev.parley.shared.it;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.Dependency;
import dev.parley.shared.deps.DependencyClients;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;

import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class CassandraIT {

  @Test
  @DisplayName("messages written to a (channel, bucket) partition read back in seq order, and a conditional head update is fenced")
  void writeThenRead(Vertx vertx) {
    ParleyConfig config = ItConfig.load(vertx);
    ItConfig.migrate(vertx, config);
    DependencyClients clients = DependencyClients.create(vertx, config, EnumSet.of(Dependency.CASSANDRA));
    String ks = config.cassandra().keyspace();
    UUID channel = UUID.randomUUID();
    try {
      for (long seq : new long[] {3, 1, 2}) {
        await(clients.cassandra().execute(SimpleStatement.newInstance("INSERT INTO " + ks + ".messages (channel_id, bucket, seq, "
                + "msg_id, sender_user, sender_device, client_msg_id, kind, payload, hash, created_at) "
                + "VALUES (?, 0, ?, ?, ?, ?, ?, 'application', ?, ?, ?)",
            channel, seq, 1000 + seq, UUID.randomUUID(), UUID.randomUUID(), "c" + seq,
            ByteBuffer.wrap(new byte[] {(byte) seq}), ByteBuffer.wrap(new byte[32]), Instant.now())));
      }
      List<Row> rows = await(clients.cassandra().executeWithFullFetch(SimpleStatement.newInstance(
          "SELECT seq, client_msg_id FROM " + ks + ".messages WHERE channel_id = ? AND bucket = 0", channel)));
      assertThat(rows).extracting(r -> r.getLong("seq")).containsExactly(1L, 2L, 3L);
      assertThat(rows).extracting(r -> r.getString("client_msg_id")).containsExactly("c1", "c2", "c3");

      Row created = await(clients.cassandra().executeWithFullFetch(SimpleStatement.newInstance(
          "INSERT INTO " + ks + ".channel_heads (channel_id, last_seq, writer_epoch) VALUES (?, 3, 1) IF NOT EXISTS",
          channel))).get(0);
      assertThat(created.getBoolean("[applied]")).isTrue();
      Row stale = await(clients.cassandra().executeWithFullFetch(SimpleStatement.newInstance(
          "UPDATE " + ks + ".channel_heads SET last_seq = 4 WHERE channel_id = ? IF writer_epoch = 0", channel))).get(0);
      assertThat(stale.getBoolean("[applied]")).as("a writer with an old epoch is refused").isFalse();
    } finally {
      await(clients.cassandra().execute(SimpleStatement.newInstance(
          "DELETE FROM " + ks + ".messages WHERE channel_id = ? AND bucket = 0", channel)));
      await(clients.close());
    }
  }
}
