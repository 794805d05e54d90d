package dev.parley.shared.ids;

import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The one parser of ids that come from outside (paths, bodies, frames, event-bus payloads): canonical lower-case
 * 8-4-4-4-12 hex only, the form the server itself writes. {@code UUID.fromString} alone accepts "1-1-1-1-1",
 * upper case and other spellings, which would give one id several accepted spellings.
 */
public final class Ids {
  private static final Pattern CANONICAL =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private Ids() {
  }

  /** Whether {@code value} is an id in canonical form. */
  public static boolean isCanonical(String value) {
    return value != null && CANONICAL.matcher(value).matches();
  }

  /** Parses {@code value} or refuses it as {@code invalid_field} naming {@code field}. */
  public static UUID parse(String field, String value) {
    if (!isCanonical(value)) {
      throw new Refusal(ErrorCode.INVALID_FIELD, field, "'" + field + "' must be a UUID in canonical lower-case form");
    }
    return UUID.fromString(value);
  }

  /** Parses {@code value}, which must be a string, or refuses it as {@code invalid_field} naming {@code field}. */
  public static UUID parse(String field, Object value) {
    return parse(field, value instanceof String s ? s : null);
  }
}
