package dev.parley.shared.it;

import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.Dependency;
import dev.parley.shared.deps.DependencyClients;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.EnumSet;
import java.util.UUID;

import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
class PostgresIT {
  private DependencyClients clients;

  @BeforeEach
  void setUp(Vertx vertx) {
    ParleyConfig config = ItConfig.load(vertx);
    ItConfig.migrate(vertx, config);
    clients = DependencyClients.create(vertx, config, EnumSet.of(Dependency.POSTGRES));
  }

  @AfterEach
  void tearDown() {
    await(clients.close());
  }

  @Test
  @DisplayName("a user and a channel membership written in both directions read back from the real database")
  void writeThenRead() {
    UUID user = UUID.randomUUID();
    UUID channel = UUID.randomUUID();
    String username = "it_" + user.toString().substring(0, 8);
    await(clients.pg().withTransaction(tx -> tx
        .preparedQuery("INSERT INTO users (id, username, display_name, password_hash) VALUES ($1, $2, $3, $4)")
        .execute(Tuple.of(user, username, "IT User", "x"))
        .compose(r -> tx.preparedQuery("INSERT INTO channels (id, kind, name, created_by) VALUES ($1, 'group', 'it', $2)")
            .execute(Tuple.of(channel, user)))
        .compose(r -> tx.preparedQuery("INSERT INTO channel_members (channel_id, user_id, role) VALUES ($1, $2, 'admin')")
            .execute(Tuple.of(channel, user)))
        .compose(r -> tx.preparedQuery("INSERT INTO user_channels (user_id, channel_id) VALUES ($1, $2)")
            .execute(Tuple.of(user, channel)))));

    Row row = await(clients.pg().preparedQuery(
            "SELECT u.username, cm.role, uc.channel_id FROM users u JOIN channel_members cm ON cm.user_id = u.id "
                + "JOIN user_channels uc ON uc.user_id = u.id WHERE u.id = $1").execute(Tuple.of(user)))
        .iterator().next();
    assertThat(row.getString("username")).isEqualTo(username);
    assertThat(row.getString("role")).isEqualTo("admin");
    assertThat(row.getUUID("channel_id")).isEqualTo(channel);

    await(clients.pg().preparedQuery("DELETE FROM users WHERE id = $1").execute(Tuple.of(user))
        .recover(e -> clients.pg().preparedQuery("DELETE FROM channels WHERE id = $1").execute(Tuple.of(channel))
            .compose(x -> clients.pg().preparedQuery("DELETE FROM users WHERE id = $1").execute(Tuple.of(user)))));
  }

  @Test
  @DisplayName("usernames are unique regardless of case")
  void usernameUniqueIgnoringCase() {
    UUID a = UUID.randomUUID();
    String name = "Case_" + a.toString().substring(0, 8);
    await(clients.pg().preparedQuery("INSERT INTO users (id, username, display_name, password_hash) VALUES ($1, $2, 'a', 'x')")
        .execute(Tuple.of(a, name)));
    try {
      assertThatThrownBy(() -> await(clients.pg()
          .preparedQuery("INSERT INTO users (id, username, display_name, password_hash) VALUES ($1, $2, 'b', 'x')")
          .execute(Tuple.of(UUID.randomUUID(), name.toLowerCase()))))
          .hasCauseInstanceOf(PgException.class).hasMessageContaining("users_username_lower_key");
    } finally {
      await(clients.pg().preparedQuery("DELETE FROM users WHERE id = $1").execute(Tuple.of(a)));
    }
  }
}
