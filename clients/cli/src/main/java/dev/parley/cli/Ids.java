package dev.parley.cli;

import java.util.UUID;
import java.util.regex.Pattern;

/** Strict id arguments: the canonical lower-case UUID form the API accepts, checked before any request. */
final class Ids {
  private static final Pattern CANONICAL = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private Ids() {
  }

  static UUID uuid(String value, String what) {
    if (value == null || !CANONICAL.matcher(value).matches()) {
      throw CliError.usage(what + " must be an id like 0b9f3c2e-5a61-4d1e-9c4b-2f7d8e6a1b30: " + Printer.safe(String.valueOf(value)));
    }
    return UUID.fromString(value);
  }
}
