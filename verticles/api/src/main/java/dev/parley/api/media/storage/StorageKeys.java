package dev.parley.api.media.storage;

import java.util.regex.Pattern;

/**
 * The only keys storage accepts: 1-64 characters of lower-case letters, digits and '-', starting with a letter or
 * digit (a canonical UUID is one). Nothing that could name a directory, a parent or an absolute path gets through,
 * so a key can become a file name or an S3 key without further escaping.
 */
public final class StorageKeys {
  private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");

  private StorageKeys() {
  }

  public static String check(String key) {
    if (key == null || !KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("not a storage key: " + (key == null ? "null" : "'" + key + "'"));
    }
    return key;
  }
}
