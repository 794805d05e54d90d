package dev.parley.api.media;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One byte range of a download (RFC 9110 section 14): {@code bytes=a-b}, {@code bytes=a-} or {@code bytes=-n}.
 * Anything else — another unit, several ranges, bad syntax — is ignored as the RFC allows, and the whole attachment
 * is served; a syntactically valid range that starts at or past the end is unsatisfiable (416).
 */
public record ByteRange(long start, long length) {
  private static final Pattern SINGLE = Pattern.compile("bytes=(\\d{0,19})-(\\d{0,19})");

  /** The outcome of reading a Range header against an attachment of a given size. */
  public sealed interface Result permits Whole, Partial, Unsatisfiable {
  }

  /** No usable Range: serve everything with 200. */
  public record Whole() implements Result {
  }

  /** Serve {@code range} with 206. */
  public record Partial(ByteRange range) implements Result {
  }

  /** Answer 416. */
  public record Unsatisfiable() implements Result {
  }

  public long end() {
    return start + length - 1;
  }

  public static Result parse(String header, long size) {
    if (header == null) {
      return new Whole();
    }
    Matcher m = SINGLE.matcher(header.trim());
    if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
      return new Whole();
    }
    if (m.group(1).isEmpty()) {
      long suffix = saturated(m.group(2));
      if (suffix == 0) {
        return new Unsatisfiable();
      }
      long length = Math.min(suffix, size);
      return new Partial(new ByteRange(size - length, length));
    }
    long first = saturated(m.group(1));
    if (first >= size) {
      return new Unsatisfiable();
    }
    long last = m.group(2).isEmpty() ? size - 1 : saturated(m.group(2));
    if (last < first) {
      return new Whole();
    }
    return new Partial(new ByteRange(first, Math.min(last, size - 1) - first + 1));
  }

  // Up to 19 digits may still exceed a long: such a position is past any end, so it saturates.
  private static long saturated(String digits) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }
}
