package dev.parley.shared.it;

import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.Dependency;
import dev.parley.shared.deps.DependencyClients;
import dev.parley.shared.deps.DependencyStatus;
import dev.parley.shared.deps.ReadinessProbe;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class ReadinessProbeIT {

  @Test
  @DisplayName("with all five services running, a real round trip to each one reports it up")
  void allUp(Vertx vertx) {
    ParleyConfig config = ItConfig.load(vertx);
    DependencyClients clients = DependencyClients.create(vertx, config, EnumSet.allOf(Dependency.class));
    try {
      List<DependencyStatus> statuses = await(new ReadinessProbe(clients, 5_000, new SimpleMeterRegistry()).check());
      assertThat(statuses).extracting(DependencyStatus::dependency).containsExactly(Dependency.values());
      assertThat(statuses).allSatisfy(s -> assertThat(s.up()).as(s.dependency() + ": " + s.error()).isTrue());
    } finally {
      await(clients.close());
    }
  }

  @Test
  @DisplayName("a dependency that does not answer is reported down with its name and the reason, not as an exception")
  void unreachableIsReported(Vertx vertx) {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    ParleyConfig config = ItConfig.load(vertx, new JsonObject()
        .put("redis", new JsonObject().put("url", "redis://127.0.0.1:1"))
        .put("cassandra", new JsonObject().put("contactPoints", new JsonArray().add("127.0.0.1:1"))),
        java.util.Set.of("PARLEY_REDIS_URL", "PARLEY_CASSANDRA_CONTACT_POINTS"));
    DependencyClients clients = DependencyClients.create(vertx, config, EnumSet.of(Dependency.REDIS, Dependency.POSTGRES,
        Dependency.CASSANDRA));
    try {
      Map<Dependency, DependencyStatus> byName = new java.util.EnumMap<>(Dependency.class);
      await(new ReadinessProbe(clients, 2_000, new SimpleMeterRegistry()).check()).forEach(s -> byName.put(s.dependency(), s));
      assertThat(byName.get(Dependency.POSTGRES).up()).isTrue();
      assertThat(byName.get(Dependency.REDIS).up()).isFalse();
      assertThat(byName.get(Dependency.REDIS).error()).containsIgnoringCase("refused");
      assertThat(byName.get(Dependency.CASSANDRA).up()).isFalse();
      assertThat(byName.get(Dependency.CASSANDRA).error()).isNotBlank();
    } finally {
      await(clients.close());
    }
  }
}
