package dev.parley.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Profiles on disk: {@code <dir>/<profile>.json}, the directory mode 0700 and every file 0600 (they hold tokens).
 * Writes go to a temporary file created with those permissions and are renamed over the old one, so a crash never
 * leaves a half-written session and the tokens are never readable by others, not even for a moment. A per-profile
 * lock file serialises token refreshes between concurrent commands: a refresh token is single-use and presenting
 * it twice revokes the device (docs/api.md).
 */
public final class ProfileStore {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  private final Path dir;
  private final String name;

  public ProfileStore(Path dir, String name) {
    if (!NAME.matcher(name).matches()) {
      throw CliError.usage("profile name must be 1-64 of [A-Za-z0-9_.-], starting with a letter or digit: " + name);
    }
    this.dir = dir;
    this.name = name;
  }

  public String name() {
    return name;
  }

  public Path file() {
    return dir.resolve(name + ".json");
  }

  /** Another file of this profile (e.g. verified key logs), under {@code <dir>/<profile>.d/}. */
  public Path dataDir() {
    Path d = dir.resolve(name + ".d");
    createPrivateDir(d);
    return d;
  }

  public Optional<Profile> load() {
    Path f = file();
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Profile.fromJson(new JsonObject(Files.readString(f, StandardCharsets.UTF_8))));
    } catch (IOException e) {
      throw new CliError(Exit.OTHER, "cannot read profile " + f + ": " + e.getMessage());
    } catch (DecodeException | IllegalArgumentException | ClassCastException e) {
      throw new CliError(Exit.OTHER, "profile " + f + " is damaged (" + e.getMessage() + "); log in again");
    }
  }

  /** The profile of a signed-in session, or exit 3. */
  public Profile requireLoggedIn() {
    return load().filter(Profile::loggedIn).orElseThrow(() -> CliError.auth("not logged in (profile '" + name
        + "'): run 'parley login'"));
  }

  public void save(Profile profile) {
    createPrivateDir(dir);
    writePrivate(file(), profile.toJson().encodePrettily());
  }

  /** Writes {@code text} to {@code target} atomically, mode 0600 from the first byte. */
  public static void writePrivate(Path target, String text) {
    try {
      Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".json",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new CliError(Exit.OTHER, "cannot write " + target + ": " + e.getMessage());
    }
  }

  /** Takes the profile's lock; closing the returned channel releases it (token refresh). */
  public FileChannel lock() {
    createPrivateDir(dir);
    try {
      FileChannel channel = FileChannel.open(dir.resolve(name + ".lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
      channel.lock();
      return channel;
    } catch (IOException e) {
      throw new CliError(Exit.OTHER, "cannot lock profile " + name + ": " + e.getMessage());
    }
  }

  private static void createPrivateDir(Path d) {
    try {
      if (!Files.isDirectory(d)) {
        Files.createDirectories(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + d, e);
    }
  }
}
