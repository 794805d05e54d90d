package dev.parley.shared.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * Strict, typed reads from a JSON config tree. Every failure names the key and the environment variable that
 * sets it; nothing is silently defaulted here (defaults live in {@code conf/parley.json}).
 */
public final class ConfigReader {
  private final JsonObject root;

  public ConfigReader(JsonObject root) {
    this.root = root;
  }

  public String string(String path) {
    Object value = raw(path);
    if (!(value instanceof String s) || s.isBlank()) {
      throw invalid(path, "a non-empty string", value);
    }
    return s;
  }

  /** A string that may be empty (e.g. an optional secret); still required to be present. */
  public String optionalString(String path) {
    Object value = raw(path);
    if (!(value instanceof String s)) {
      throw invalid(path, "a string", value);
    }
    return s;
  }

  public int integer(String path, int min, int max) {
    Object value = raw(path);
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
        && n.longValue() >= min && n.longValue() <= max) {
      return n.intValue();
    }
    throw invalid(path, "an integer from " + min + " to " + max, value);
  }

  public double number(String path, double min, double max) {
    Object value = raw(path);
    if (value instanceof Number n && n.doubleValue() >= min && n.doubleValue() <= max) {
      return n.doubleValue();
    }
    throw invalid(path, "a number from " + min + " to " + max, value);
  }

  public boolean bool(String path) {
    Object value = raw(path);
    if (value instanceof Boolean b) {
      return b;
    }
    throw invalid(path, "true or false", value);
  }

  public List<String> stringList(String path) {
    Object value = raw(path);
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      throw invalid(path, "a non-empty array of strings", value);
    }
    List<String> out = new ArrayList<>(array.size());
    for (Object item : array) {
      if (!(item instanceof String s) || s.isBlank()) {
        throw invalid(path, "a non-empty array of strings", value);
      }
      out.add(s.trim());
    }
    return List.copyOf(out);
  }

  /** An array of non-blank strings that may be empty (e.g. an allow-list that allows nothing by default). */
  public List<String> optionalStringList(String path) {
    Object value = raw(path);
    if (value instanceof JsonArray array && array.isEmpty()) {
      return List.of();
    }
    return stringList(path);
  }

  private Object raw(String path) {
    Object current = root;
    for (String segment : path.split("\\.")) {
      if (!(current instanceof JsonObject object) || !object.containsKey(segment)) {
        throw new ConfigException("missing required config key '" + path + "' (set it in the config file or "
            + "with environment variable " + EnvOverlay.envName(path) + ")");
      }
      current = object.getValue(segment);
    }
    return current;
  }

  static ConfigException invalid(String path, String expected, Object actual) {
    return new ConfigException("config key '" + path + "' (env " + EnvOverlay.envName(path) + ") must be "
        + expected + ", got " + (actual == null ? "null" : "'" + actual + "'"));
  }
}
