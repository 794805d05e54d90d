package dev.parley.api.accounts;

import dev.parley.shared.config.ParleyConfig.PasswordHashingConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class PasswordHasherTest {
  private final Vertx vertx = Vertx.vertx();
  private final WorkerExecutor pool = vertx.createSharedWorkerExecutor("test-hashing", 2);
  private final PasswordHashingConfig cost = new PasswordHashingConfig(1024, 1, 1, 2);
  private final PasswordHasher hasher = new PasswordHasher(pool, cost, new SecureRandom(), new SimpleMeterRegistry());

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("a hash is a PHC argon2id string that carries its cost and verifies only the right password")
  void hashAndVerify() throws Exception {
    String phc = await(hasher.hash("correct horse battery"));
    assertThat(phc).matches("\\$argon2id\\$v=19\\$m=1024,t=1,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
    assertThat(await(hasher.verify("correct horse battery", phc))).isTrue();
    assertThat(await(hasher.verify("correct horse batterY", phc))).isFalse();
    assertThat(await(hasher.verify("correct horse battery", "garbage"))).isFalse();
  }

  @Test
  @DisplayName("the same password gets a different salt each time")
  void saltedPerHash() throws Exception {
    assertThat(await(hasher.hash("same password 1"))).isNotEqualTo(await(hasher.hash("same password 1")));
  }

  @Test
  @DisplayName("a hash made at another cost still verifies and is flagged for rehash")
  void oldCostStillVerifies() throws Exception {
    PasswordHasher stronger = new PasswordHasher(pool, new PasswordHashingConfig(2048, 2, 1, 2), new SecureRandom(), new SimpleMeterRegistry());
    String old = await(hasher.hash("rotate me please"));
    assertThat(await(stronger.verify("rotate me please", old))).isTrue();
    assertThat(stronger.needsRehash(old)).isTrue();
    assertThat(hasher.needsRehash(old)).isFalse();
  }

  @Test
  @DisplayName("composed and decomposed Unicode spellings of a password match (NFKC)")
  void unicodeNormalised() throws Exception {
    String phc = await(hasher.hash("caf\u00e9 au lait!"));
    assertThat(await(hasher.verify("cafe\u0301 au lait!", phc))).isTrue();
  }

  @Test
  @DisplayName("verifies hashes made by the reference argon2 implementation (interoperable PHC strings)")
  void referenceImplementation() {
    // Debian's argon2 CLI (the reference C implementation): echo -n password | argon2 somesaltsomesalt -id -t 2 -m 16 -p 1 -l 32 -e
    String phc = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$/DO3gTkjHTS3Fia9YkXB1y76GQrWBcPYFmpyrc7fosI";
    assertThat(PasswordHasher.matches("password", phc)).isTrue();
    assertThat(PasswordHasher.matches("passwore", phc)).isFalse();
    // echo -n password | argon2 somesalt -id -t 2 -m 10 -p 2 -l 32 -e (two lanes)
    assertThat(PasswordHasher.matches("password",
        "$argon2id$v=19$m=1024,t=2,p=2$c29tZXNhbHQ$kEfNQbPvk6Q7hokW6Jrvn1Mjb9kdT/I7OXVDKsviazk")).isTrue();
  }
}
