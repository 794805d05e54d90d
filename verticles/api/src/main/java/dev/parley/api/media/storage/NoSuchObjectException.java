package dev.parley.api.media.storage;

/** The finished object asked for is not in storage (never finished, or deleted). */
public final class NoSuchObjectException extends RuntimeException {
  public NoSuchObjectException(String key) {
    super("no stored object '" + key + "'", null, false, false);
  }
}
