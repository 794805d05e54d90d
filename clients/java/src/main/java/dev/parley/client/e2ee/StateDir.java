package dev.parley.client.e2ee;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * One device's E2EE state on disk. Layout (every file mode 0600, directories 0700):
 * <pre>
 *   device.bin                 DeviceSnapshots (identity + held KeyPackage private keys)
 *   sessions/&lt;channel&gt;.bin  SessionSnapshots, one per channel
 *   keylog/&lt;user&gt;            the last verified device-key-log entry of a peer: "seq hash-hex"
 *   known-keys                 every device key verified so far: "device key-hex" lines
 * </pre>
 * Every write is crash-safe: a temp file is written and fsynced, then renamed over the old one atomically and the
 * directory fsynced, so a crash leaves either the old or the new state, never a torn file. The files hold private
 * keys: nothing else should read them. Blocking I/O: callers run it off the event loop.
 */
public final class StateDir {
  private static final String DEVICE = "device.bin";

  private final Path root;

  public StateDir(Path root) {
    this.root = root;
    try {
      createPrivateDir(root);
      createPrivateDir(root.resolve("sessions"));
      createPrivateDir(root.resolve("keylog"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the E2EE state directory " + root, e);
    }
  }

  public Path root() {
    return root;
  }

  public Optional<byte[]> readDevice() {
    return read(root.resolve(DEVICE));
  }

  public void writeDevice(byte[] snapshot) {
    write(root.resolve(DEVICE), snapshot);
  }

  public Optional<byte[]> readSession(UUID channelId) {
    return read(session(channelId));
  }

  public void writeSession(UUID channelId, byte[] snapshot) {
    write(session(channelId), snapshot);
  }

  public void deleteSession(UUID channelId) {
    try {
      Files.deleteIfExists(session(channelId));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The channels that have a stored session. */
  public List<UUID> sessions() {
    List<UUID> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(root.resolve("sessions"))) {
      files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".bin"))
          .forEach(n -> out.add(UUID.fromString(n.substring(0, n.length() - 4))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The last verified key-log entry of {@code userId}: seq and hash. */
  public Optional<KeyLogHead> readKeyLogHead(UUID userId) {
    return read(root.resolve("keylog").resolve(userId.toString())).map(KeyLogHead::parse);
  }

  public void writeKeyLogHead(UUID userId, KeyLogHead head) {
    write(root.resolve("keylog").resolve(userId.toString()), head.format());
  }

  /** Every device key verified so far (a restored session's leaves are checked against them before any fetch). */
  public java.util.Map<UUID, byte[]> readKnownKeys() {
    java.util.Map<UUID, byte[]> keys = new java.util.LinkedHashMap<>();
    read(root.resolve("known-keys")).ifPresent(bytes -> {
      for (String line : new String(bytes, java.nio.charset.StandardCharsets.US_ASCII).split("\n")) {
        if (!line.isBlank()) {
          String[] parts = line.split(" ");
          keys.put(UUID.fromString(parts[0]), java.util.HexFormat.of().parseHex(parts[1]));
        }
      }
    });
    return keys;
  }

  public void writeKnownKeys(java.util.Map<UUID, byte[]> keys) {
    StringBuilder out = new StringBuilder();
    keys.forEach((device, key) -> out.append(device).append(' ').append(java.util.HexFormat.of().formatHex(key))
        .append('\n'));
    write(root.resolve("known-keys"), out.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  private Path session(UUID channelId) {
    return root.resolve("sessions").resolve(channelId + ".bin");
  }

  private static Optional<byte[]> read(Path file) {
    try {
      return Optional.of(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static void write(Path file, byte[] bytes) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.deleteIfExists(tmp);
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          ch.write(buffer);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the state directory's file system cannot rename atomically", e);
      }
      // The rename is durable only once the directory entry is.
      try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
        dir.force(true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static void createPrivateDir(Path dir) throws IOException {
    try {
      Files.createDirectories(dir.getParent() == null ? dir : dir.getParent());
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (FileAlreadyExistsException e) {
      // Restarting on an existing directory is the normal case.
    }
  }

  /** A peer's last verified device-key-log position. */
  public record KeyLogHead(long seq, byte[] hash) {
    static KeyLogHead parse(byte[] bytes) {
      String[] parts = new String(bytes, java.nio.charset.StandardCharsets.US_ASCII).trim().split(" ");
      return new KeyLogHead(Long.parseLong(parts[0]), java.util.HexFormat.of().parseHex(parts[1]));
    }

    byte[] format() {
      return (seq + " " + java.util.HexFormat.of().formatHex(hash)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
  }
}
