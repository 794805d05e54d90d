package dev.parley.mls;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The second process of {@link SnapshotAcrossProcessesTest}: restores a device and its channel session from the
 * files the first JVM wrote, decrypts a message, applies a commit, decrypts a message of the new epoch, answers
 * with a message of its own, and prints what it saw (one {@code key=value} per line).
 */
public final class SnapshotReaderMain {

  private SnapshotReaderMain() {
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Map<UUID, byte[]> keys = new HashMap<>();
    for (String line : Files.readAllLines(dir.resolve("directory.txt"))) {
      String[] parts = line.split(" ");
      keys.put(UUID.fromString(parts[0]), HexFormat.of().parseHex(parts[1]));
    }
    MlsDevice device = MlsDevice.restore(Files.readAllBytes(dir.resolve("device.snap")),
        id -> Optional.ofNullable(keys.get(id)), Clock.systemUTC(), new SecureRandom(), Fleet.LIFETIME);
    ChannelSession session = device.restoreSession(Files.readAllBytes(dir.resolve("session.snap")));
    System.out.println("before=" + text(session.decrypt(Files.readAllBytes(dir.resolve("m1.bin"))).plaintext()));
    System.out.println("epoch=" + session.handle(Files.readAllBytes(dir.resolve("commit.bin"))).epoch());
    System.out.println("after=" + text(session.decrypt(Files.readAllBytes(dir.resolve("m2.bin"))).plaintext()));
    System.out.println("authenticator=" + HexFormat.of().formatHex(session.epochAuthenticator()));
    Files.write(dir.resolve("reply.bin"), session.encrypt("reply from the second JVM".getBytes(StandardCharsets.UTF_8)));
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
