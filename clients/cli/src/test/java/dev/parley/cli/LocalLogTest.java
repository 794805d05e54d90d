package dev.parley.cli;

import dev.parley.client.Message;
import dev.parley.protocol.ChainHash;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class LocalLogTest {
  private static final UUID CHAT = UUID.randomUUID();
  private static final UUID USER = UUID.randomUUID();
  private static final UUID DEVICE = UUID.randomUUID();

  private static Message message(long seq, String text) {
    byte[] hash = new byte[32];
    hash[0] = (byte) seq;
    return new Message(CHAT, seq, 1000 + seq, hash, USER, DEVICE, "c" + seq, "application",
        text.getBytes(StandardCharsets.UTF_8), 5000 + seq, false);
  }

  @Test
  @DisplayName("kept messages survive a new process, in order, and mark where the device resumes")
  void keepsAndResumes(@TempDir Path dir) throws Exception {
    LocalLog log = new LocalLog(dir.resolve("chats"));
    assertThat(log.position(CHAT).seq()).isZero();
    assertThat(log.position(CHAT).hash()).isEqualTo(ChainHash.genesis());
    log.append(message(2, "two"));
    log.appendUndecryptable(message(3, "ignored"), "message of epoch 1, group is at 2");
    log.append(message(3, "duplicate")); // at or before the position: ignored
    log.append(message(5, "five"));

    LocalLog again = new LocalLog(dir.resolve("chats"));
    assertThat(again.chats()).containsExactly(CHAT);
    assertThat(again.position(CHAT).seq()).isEqualTo(5);
    assertThat(again.position(CHAT).hash()[0]).isEqualTo((byte) 5);
    var kept = again.read(CHAT, 0, 10);
    assertThat(kept).extracting(k -> k.envelope().seq()).containsExactly(2L, 3L, 5L);
    assertThat(new String(kept.get(0).envelope().payload(), StandardCharsets.UTF_8)).isEqualTo("two");
    assertThat(kept.get(1).undecryptable()).isEqualTo("message of epoch 1, group is at 2");
    assertThat(kept.get(1).envelope().payload()).isEmpty();
    assertThat(again.read(CHAT, 5, 1)).extracting(k -> k.envelope().seq()).containsExactly(3L);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("chats"))))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("chats").resolve(CHAT + ".jsonl"))))
        .isEqualTo("rw-------");
  }

  @Test
  @DisplayName("awaitPosition returns when another thread keeps the message, and gives up at its limit")
  void awaitsPosition(@TempDir Path dir) throws Exception {
    LocalLog log = new LocalLog(dir);
    Thread writer = new Thread(() -> log.append(message(7, "seven")));
    writer.start();
    assertThat(log.awaitPosition(CHAT, 7, Duration.ofSeconds(10))).isTrue();
    writer.join();
    assertThat(log.awaitPosition(CHAT, 8, Duration.ofMillis(50))).isFalse();
  }
}
