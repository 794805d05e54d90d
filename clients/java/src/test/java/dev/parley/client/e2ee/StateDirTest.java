package dev.parley.client.e2ee;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("StateDir")
class StateDirTest {
  @TempDir
  Path dir;

  @Test
  @DisplayName("files are written owner-only, rewritten in place without leftovers, and read back after a restart")
  void writesPrivateFilesAndReadsThemBack() throws Exception {
    StateDir state = new StateDir(dir.resolve("device"));
    UUID channel = UUID.randomUUID();
    UUID peer = UUID.randomUUID();
    state.writeDevice(new byte[] {1, 2, 3});
    state.writeSession(channel, new byte[] {4});
    state.writeSession(channel, new byte[] {5, 6});
    state.writeKeyLogHead(peer, new StateDir.KeyLogHead(7, new byte[] {9, 10}));
    state.writeKnownKeys(Map.of(peer, new byte[] {11}));

    StateDir reopened = new StateDir(dir.resolve("device"));
    assertThat(reopened.readDevice()).hasValueSatisfying(b -> assertThat(b).containsExactly(1, 2, 3));
    assertThat(reopened.readSession(channel)).hasValueSatisfying(b -> assertThat(b).containsExactly(5, 6));
    assertThat(reopened.sessions()).containsExactly(channel);
    assertThat(reopened.readKeyLogHead(peer)).hasValueSatisfying(h -> {
      assertThat(h.seq()).isEqualTo(7);
      assertThat(h.hash()).containsExactly(9, 10);
    });
    assertThat(reopened.readKnownKeys().get(peer)).containsExactly(11);
    assertThat(reopened.readSession(UUID.randomUUID())).isEmpty();
    try (Stream<Path> all = Files.walk(dir.resolve("device"))) {
      all.forEach(p -> {
        try {
          String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
          assertThat(mode).as(p.toString()).isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
          assertThat(p.getFileName().toString()).doesNotEndWith(".tmp");
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
    }
    reopened.deleteSession(channel);
    assertThat(reopened.sessions()).isEmpty();
  }
}
