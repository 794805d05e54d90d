package dev.parley.shared.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.time.Clock;
import java.util.HexFormat;
import java.security.SecureRandom;

/** Generates an ES256 (P-256) key pair as PEM files named by a fresh key id. Blocking; for tools and tests. */
public final class JwtKeyGenerator {
  private JwtKeyGenerator() {
  }

  /**
   * Writes {@code <kid>.private.pem} (mode 600) and {@code <kid>.public.pem} into {@code dir}; returns the kid, which
   * carries today's date on {@code clock}.
   */
  public static String generate(Path dir, Clock clock) throws IOException, GeneralSecurityException {
    Files.createDirectories(dir);
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair pair = generator.generateKeyPair();
    byte[] suffix = new byte[3];
    new SecureRandom().nextBytes(suffix);
    String kid = "k" + LocalDate.now(clock).format(DateTimeFormatter.BASIC_ISO_DATE) + "-" + HexFormat.of().formatHex(suffix);
    Path privateFile = dir.resolve(kid + JwtKeys.PRIVATE_SUFFIX);
    Files.writeString(privateFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
    try {
      Files.setPosixFilePermissions(privateFile, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException ignored) {
      // Non-POSIX file system: permissions are the operator's concern there.
    }
    Files.writeString(dir.resolve(kid + JwtKeys.PUBLIC_SUFFIX), pem("PUBLIC KEY", pair.getPublic().getEncoded()),
        StandardCharsets.US_ASCII);
    return kid;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
