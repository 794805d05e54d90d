package dev.parley.api.accounts;

import dev.parley.shared.Refusal;
import dev.parley.shared.ErrorCode;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;

/**
 * What a username, password and display name may be. Usernames are ASCII so that look-alike Unicode cannot
 * impersonate another account; passwords follow NIST SP 800-63B (length over composition rules, no obvious
 * choices), and any Unicode is allowed in them.
 */
public final class CredentialRules {
  public static final int PASSWORD_MIN = 10;
  public static final int PASSWORD_MAX = 128;
  public static final int NAME_MAX = 64;
  private static final String USERNAME_PATTERN = "[A-Za-z][A-Za-z0-9_.]{1,30}[A-Za-z0-9_]";
  private static final Set<String> RESERVED = Set.of("admin", "administrator", "root", "system", "parley",
      "support", "security", "moderator", "null", "undefined", "me");
  private static final Set<String> COMMON_PASSWORDS = Set.of("1234567890", "12345678910", "0123456789",
      "qwertyuiop", "password123", "password12", "passw0rd123", "iloveyou12", "letmein123", "welcome123",
      "abcdefghij", "aaaaaaaaaa", "qwerty1234", "1q2w3e4r5t", "princess12", "football12");

  private CredentialRules() {
  }

  /** 3–32 ASCII letters, digits, '_' or '.', starting with a letter; not reserved; unique regardless of case. */
  public static String username(String value) {
    if (!value.matches(USERNAME_PATTERN) || value.contains("..")) {
      throw new Refusal(ErrorCode.INVALID_USERNAME, "username", "username must be 3-32 characters: ASCII "
          + "letters, digits, '_' or '.', starting with a letter, not ending with '.', no '..'");
    }
    if (RESERVED.contains(value.toLowerCase(Locale.ROOT))) {
      throw new Refusal(ErrorCode.INVALID_USERNAME, "username", "username '" + value + "' is reserved");
    }
    return value;
  }

  /** 10–128 characters, not a well-known password, not containing the username, not one repeated character. */
  public static void password(String password, String username) {
    String normalized = Normalizer.normalize(password, Normalizer.Form.NFKC);
    int length = normalized.codePointCount(0, normalized.length());
    if (length < PASSWORD_MIN || length > PASSWORD_MAX) {
      throw new Refusal(ErrorCode.WEAK_PASSWORD, "password",
          "password must be " + PASSWORD_MIN + "-" + PASSWORD_MAX + " characters long");
    }
    String lower = normalized.toLowerCase(Locale.ROOT);
    if (COMMON_PASSWORDS.contains(lower) || normalized.codePoints().distinct().count() < 4) {
      throw new Refusal(ErrorCode.WEAK_PASSWORD, "password", "password is too easy to guess");
    }
    if (lower.contains(username.toLowerCase(Locale.ROOT))) {
      throw new Refusal(ErrorCode.WEAK_PASSWORD, "password", "password must not contain the username");
    }
  }

  /** A display or device name: trimmed, 1–64 characters, no control characters. */
  public static String name(String field, String value) {
    String trimmed = value.strip();
    int length = trimmed.codePointCount(0, trimmed.length());
    if (length < 1 || length > NAME_MAX || trimmed.codePoints().anyMatch(Character::isISOControl)) {
      throw new Refusal(ErrorCode.INVALID_FIELD, field,
          "'" + field + "' must be 1-" + NAME_MAX + " characters without control characters");
    }
    return trimmed;
  }
}
