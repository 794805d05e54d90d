package dev.parley.shared.it;

import dev.parley.shared.deps.Dependency;
import dev.parley.shared.deps.DependencyClients;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.PutOption;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class EtcdIT {

  @Test
  @DisplayName("a key put under a lease reads back, and disappears when the lease is revoked")
  void leaseBoundKey(Vertx vertx) {
    DependencyClients clients = DependencyClients.create(vertx, ItConfig.load(vertx), EnumSet.of(Dependency.ETCD));
    try {
      ByteSequence key = bytes("/parley/it/" + UUID.randomUUID());
      long lease = join(clients.etcd().getLeaseClient().grant(30)).getID();
      join(clients.etcd().getKVClient().put(key, bytes("ws://127.0.0.1:8081"), PutOption.builder().withLeaseId(lease).build()));
      List<KeyValue> found = join(clients.etcd().getKVClient().get(key)).getKvs();
      assertThat(found).hasSize(1);
      assertThat(found.get(0).getValue().toString(StandardCharsets.UTF_8)).isEqualTo("ws://127.0.0.1:8081");
      assertThat(found.get(0).getLease()).isEqualTo(lease);

      join(clients.etcd().getLeaseClient().revoke(lease));
      assertThat(join(clients.etcd().getKVClient().get(key)).getKvs()).isEmpty();
    } finally {
      await(clients.close());
    }
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  private static <T> T join(CompletableFuture<T> cf) {
    return await(Future.fromCompletionStage(cf));
  }
}
