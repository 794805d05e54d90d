package dev.parley.shared.config;

/**
 * A configuration key is missing or malformed. The message always names the key (as its JSON path and as
 * the environment variable that overrides it), so an operator can fix start-up without reading code.
 */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
