package dev.parley.shared.text;

import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * Text from outside must be valid Unicode without NUL: U+0000 cannot be stored in PostgreSQL text (it failed as a
 * 500) and a lone surrogate cannot be encoded as UTF-8 (it was stored as '?'). Both are refused with
 * {@code invalid_field} naming the field, never rewritten. Lengths elsewhere are counted in code points.
 */
public final class Texts {
  private Texts() {
  }

  /** Null when {@code value} is clean, otherwise why not. */
  public static String problem(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\u0000') {
        return "contains NUL (U+0000)";
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
          i++;
          continue;
        }
        return "contains a lone surrogate";
      }
      if (Character.isLowSurrogate(c)) {
        return "contains a lone surrogate";
      }
    }
    return null;
  }

  /** Returns {@code value}, or refuses it as {@code invalid_field} naming {@code field}. */
  public static String require(String field, String value) {
    String problem = value == null ? null : problem(value);
    if (problem != null) {
      throw new Refusal(ErrorCode.INVALID_FIELD, field, "'" + field + "' " + problem);
    }
    return value;
  }

  /**
   * Checks every string of a parsed JSON document, names and values, at any depth; the refusal names the
   * top-level field it was found under ({@code topField} for a bare array or value).
   */
  public static void requireClean(Object json, String topField) {
    if (json instanceof JsonObject object) {
      for (Map.Entry<String, Object> e : object) {
        String field = topField != null ? topField : e.getKey();
        require(field, e.getKey());
        requireClean(e.getValue(), field);
      }
    } else if (json instanceof JsonArray array) {
      for (Object item : array) {
        requireClean(item, topField);
      }
    } else if (json instanceof String s) {
      require(topField, s);
    }
  }
}
