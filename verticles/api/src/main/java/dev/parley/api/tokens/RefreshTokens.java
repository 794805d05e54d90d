package dev.parley.api.tokens;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Opaque refresh tokens: 256 random bits, base64url. Only their SHA-256 is stored, so a leaked database holds no
 * usable token; a fast hash is enough because the token has full entropy (unlike a password).
 */
public final class RefreshTokens {
  private static final String PREFIX = "prt_";
  private final SecureRandom random;

  public RefreshTokens(SecureRandom random) {
    this.random = random;
  }

  public String generate() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    // The prefix makes a leaked token recognisable to secret scanners and in logs.
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is mandatory in every JRE", e);
    }
  }
}
