package dev.parley.api.history;

import dev.parley.shared.Refusal;
import dev.parley.shared.ErrorCode;

import java.util.regex.Pattern;

/**
 * A validated history page request: {@code after} (0..2^53-1), {@code before} (1..2^53-1, greater than
 * {@code after} when both are given) and {@code limit} (1..{@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}).
 * Query parameters are digits only — no sign, no exponent, no leading '+' — so each number has one spelling;
 * anything else is 400 {@code bad_request} naming the parameter (as the chat list's {@code limit}).
 */
public record HistoryQuery(Long after, Long before, int limit) {
  public static final int MAX_LIMIT = 500;
  public static final int DEFAULT_LIMIT = 100;
  /** The largest seq a JSON number carries exactly everywhere (Number.MAX_SAFE_INTEGER). */
  public static final long MAX_SEQ = (1L << 53) - 1;
  private static final Pattern DIGITS = Pattern.compile("\\d{1,16}");

  public static HistoryQuery parse(String after, String before, String limit) {
    Long a = number("after", after, 0, MAX_SEQ);
    Long b = number("before", before, 1, MAX_SEQ);
    Long n = number("limit", limit, 1, MAX_LIMIT);
    if (a != null && b != null && b <= a) {
      throw new Refusal(ErrorCode.BAD_REQUEST, "before", "before must be greater than after");
    }
    return new HistoryQuery(a, b, n == null ? DEFAULT_LIMIT : n.intValue());
  }

  private static Long number(String name, String value, long min, long max) {
    if (value == null) {
      return null;
    }
    long n = DIGITS.matcher(value).matches() ? Long.parseLong(value) : -1;
    if (n < min || n > max) {
      throw new Refusal(ErrorCode.BAD_REQUEST, name, name + " must be an integer from " + min + " to " + max);
    }
    return n;
  }
}
