package dev.parley.api.accounts;

import dev.parley.shared.config.ParleyConfig.PasswordHashingConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Argon2id password hashing (Bouncy Castle), stored in the PHC string format
 * {@code $argon2id$v=19$m=<KiB>,t=<iterations>,p=<lanes>$<salt>$<hash>} (unpadded base64), so every hash carries
 * its own cost and old hashes stay verifiable after the configured cost changes. All hashing runs on a dedicated,
 * small worker pool: it is deliberately slow and memory-hard, must never touch an event loop, and the pool size
 * caps the memory it can take at once.
 */
public final class PasswordHasher {
  private static final Pattern PHC = Pattern.compile(
      "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{11,64})\\$([A-Za-z0-9+/]{16,128})");
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();

  private final WorkerExecutor executor;
  private final PasswordHashingConfig cost;
  private final SecureRandom random;
  private final Timer hashTimer;
  private final Timer verifyTimer;

  public PasswordHasher(WorkerExecutor executor, PasswordHashingConfig cost, SecureRandom random,
                        MeterRegistry metrics) {
    this.executor = executor;
    this.cost = cost;
    this.random = random;
    // The dominant cost of signup and login, and the first thing to look at when either gets slow.
    this.hashTimer = metrics.timer("parley.api.password", "op", "hash");
    this.verifyTimer = metrics.timer("parley.api.password", "op", "verify");
  }

  /** A new PHC string for {@code password} at the configured cost, with a fresh salt. */
  public Future<String> hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    return executor.executeBlocking(() -> hashTimer.recordCallable(() -> encode(password, salt)), false);
  }

  /** Whether {@code password} matches {@code phc}; a malformed stored hash never matches. */
  public Future<Boolean> verify(String password, String phc) {
    return executor.executeBlocking(() -> verifyTimer.recordCallable(() -> matches(password, phc)), false);
  }

  /** Whether {@code phc} was made with another cost than the configured one (then rehash after a good login). */
  public boolean needsRehash(String phc) {
    Matcher m = PHC.matcher(phc);
    return !m.matches() || Integer.parseInt(m.group(1)) != cost.memoryKib()
        || Integer.parseInt(m.group(2)) != cost.iterations() || Integer.parseInt(m.group(3)) != cost.parallelism();
  }

  private String encode(String password, byte[] salt) {
    byte[] hash = derive(password, salt, cost.memoryKib(), cost.iterations(), cost.parallelism(), HASH_BYTES);
    return "$argon2id$v=19$m=" + cost.memoryKib() + ",t=" + cost.iterations() + ",p=" + cost.parallelism()
        + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
  }

  static boolean matches(String password, String phc) {
    Matcher m = PHC.matcher(phc);
    if (!m.matches()) {
      return false;
    }
    byte[] salt = Base64.getDecoder().decode(m.group(4));
    byte[] expected = Base64.getDecoder().decode(m.group(5));
    byte[] actual = derive(password, salt, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
        Integer.parseInt(m.group(3)), expected.length);
    // Constant-time comparison: the time taken must not reveal how many leading bytes matched.
    return MessageDigest.isEqual(expected, actual);
  }

  private static byte[] derive(String password, byte[] salt, int memoryKib, int iterations, int lanes, int length) {
    Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(memoryKib).withIterations(iterations)
        .withParallelism(lanes).withSalt(salt).build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(params);
    // NFKC so that the same password typed on different keyboards/OSes (composed vs decomposed) still matches.
    byte[] secret = Normalizer.normalize(password, Normalizer.Form.NFKC).getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[length];
    try {
      generator.generateBytes(secret, out);
      return out;
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
  }
}
