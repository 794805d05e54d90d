package dev.parley.mls;

import static dev.parley.mls.ChannelSessionTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Snapshots across processes: a second JVM picks up where the first left off")
class SnapshotAcrossProcessesTest {

  @Test
  @DisplayName("a snapshot written here decrypts a message, applies a commit and answers in another JVM")
  void secondJvmContinues(@TempDir Path dir) throws Exception {
    Fleet fleet = new Fleet();
    MlsDevice alice = fleet.device();
    MlsDevice bob = fleet.device();
    MlsDevice carol = fleet.device();
    fleet.create(alice);
    fleet.add(alice, List.of(bob));

    Files.write(dir.resolve("device.snap"), bob.snapshot());
    Files.write(dir.resolve("session.snap"), fleet.session(bob).snapshot());
    Files.write(dir.resolve("directory.txt"), fleet.directory.entrySet().stream()
        .map(e -> e.getKey() + " " + HexFormat.of().formatHex(e.getValue())).collect(Collectors.toList()));
    ChannelSession aliceSession = fleet.session(alice);
    Files.write(dir.resolve("m1.bin"), aliceSession.encrypt(utf8("sent before the commit")));
    PendingCommit commit = aliceSession.add(List.of(carol.newOneTimeKeyPackages(1).get(0).message()));
    aliceSession.handle(commit.commit());
    Files.write(dir.resolve("commit.bin"), commit.commit());
    Files.write(dir.resolve("m2.bin"), aliceSession.encrypt(utf8("sent after the commit")));

    List<String> output = runSecondJvm(dir);

    assertThat(output).containsExactly(
        "before=sent before the commit",
        "epoch=2",
        "after=sent after the commit",
        "authenticator=" + HexFormat.of().formatHex(aliceSession.epochAuthenticator()));
    byte[] reply = Files.readAllBytes(dir.resolve("reply.bin"));
    assertThat(new String(aliceSession.decrypt(reply).plaintext(), StandardCharsets.UTF_8))
        .isEqualTo("reply from the second JVM");
  }

  private static List<String> runSecondJvm(Path dir) throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path log = dir.resolve("second-jvm.log");
    Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        SnapshotReaderMain.class.getName(), dir.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean exited = process.waitFor(120, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly();
    }
    String printed = Files.readString(log);
    assertThat(exited).as("second JVM finished; it printed:%n%s", printed).isTrue();
    assertThat(process.exitValue()).as("second JVM exit code; it printed:%n%s", printed).isZero();
    return printed.lines().toList();
  }
}
