package dev.parley.shared.it;

import dev.parley.shared.deps.Dependency;
import dev.parley.shared.deps.DependencyClients;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.EnumSet;
import java.util.UUID;

import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class RedisIT {

  @Test
  @DisplayName("a key written with a TTL reads back with its value and a live TTL, and is gone once deleted")
  void writeThenRead(Vertx vertx) {
    DependencyClients clients = DependencyClients.create(vertx, ItConfig.load(vertx), EnumSet.of(Dependency.REDIS));
    try {
      String key = "parley:it:" + UUID.randomUUID();
      await(clients.redis().send(Request.cmd(Command.SET).arg(key).arg("gw-1").arg("EX").arg(30)));
      assertThat(await(clients.redis().send(Request.cmd(Command.GET).arg(key))).toString()).isEqualTo("gw-1");
      assertThat(await(clients.redis().send(Request.cmd(Command.TTL).arg(key))).toLong()).isBetween(1L, 30L);
      await(clients.redis().send(Request.cmd(Command.DEL).arg(key)));
      assertThat(await(clients.redis().send(Request.cmd(Command.GET).arg(key)))).isNull();
    } finally {
      await(clients.close());
    }
  }
}
