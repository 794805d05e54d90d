package dev.parley.shared.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Locale;
import java.util.Map;

/**
 * Applies environment-variable overrides to a config tree.
 *
 * <p>Every leaf of the <em>default</em> config can be overridden by one variable whose name is derived from
 * its path: {@code PARLEY_} + the path segments, camelCase split into words, upper-cased, joined by {@code _}.
 * {@code kafka.bootstrapServers} becomes {@code PARLEY_KAFKA_BOOTSTRAP_SERVERS}. Deriving names from the known
 * keys (instead of parsing arbitrary variables) keeps the mapping unambiguous. The value is converted to the
 * type of the default: numbers and booleans are parsed strictly, arrays are comma-separated.
 */
public final class EnvOverlay {
  private EnvOverlay() {
  }

  /** The environment variable that overrides the key at {@code path} (dot-separated). */
  public static String envName(String path) {
    StringBuilder sb = new StringBuilder("PARLEY");
    for (String segment : path.split("\\.")) {
      sb.append('_').append(segment.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT));
    }
    return sb.toString();
  }

  /** Returns a copy of {@code config} with every overridable leaf replaced by its variable in {@code env}, if set. */
  public static JsonObject apply(JsonObject config, Map<String, String> env) {
    JsonObject copy = config.copy();
    overlay(copy, "", env);
    return copy;
  }

  private static void overlay(JsonObject node, String prefix, Map<String, String> env) {
    for (String key : node.fieldNames().toArray(String[]::new)) {
      String path = prefix.isEmpty() ? key : prefix + "." + key;
      Object current = node.getValue(key);
      if (current instanceof JsonObject child) {
        overlay(child, path, env);
        continue;
      }
      String name = envName(path);
      String raw = env.get(name);
      if (raw != null) {
        node.put(key, convert(path, name, raw, current));
      }
    }
  }

  private static Object convert(String path, String name, String raw, Object current) {
    String value = raw.trim();
    try {
      if (current instanceof Integer || current instanceof Long) {
        return Long.parseLong(value);
      }
      if (current instanceof Number) {
        return Double.parseDouble(value);
      }
    } catch (NumberFormatException e) {
      throw new ConfigException("environment variable " + name + " (config key '" + path
          + "') must be a number, got '" + raw + "'");
    }
    if (current instanceof Boolean) {
      if (!value.equals("true") && !value.equals("false")) {
        throw new ConfigException("environment variable " + name + " (config key '" + path
            + "') must be true or false, got '" + raw + "'");
      }
      return Boolean.parseBoolean(value);
    }
    if (current instanceof JsonArray) {
      JsonArray array = new JsonArray();
      for (String part : value.split(",")) {
        if (!part.isBlank()) {
          array.add(part.trim());
        }
      }
      return array;
    }
    return raw;
  }
}
