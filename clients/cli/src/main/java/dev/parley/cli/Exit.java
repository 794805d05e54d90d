package dev.parley.cli;

/**
 * The exit codes of every {@code parley} command; what each means is documented in docs/cli.md, "Exit codes"
 * ({@code ExitCodesDocTest} keeps that table equal to this enum). Scripts branch on them, so they never change
 * meaning.
 */
public enum Exit {
  OK(0),
  OTHER(1),
  USAGE(2),
  AUTH(3),
  NOT_FOUND(4),
  UNAVAILABLE(5);

  public final int code;

  Exit(int code) {
    this.code = code;
  }

  /** The exit code for an HTTP status the API answered with (docs/api.md). */
  public static Exit forHttpStatus(int status) {
    if (status == 401) {
      return AUTH;
    }
    if (status == 403 || status == 404) {
      return NOT_FOUND;
    }
    if (status == 400 || status == 413 || status == 415 || status == 422) {
      return USAGE;
    }
    if (status == 408 || status == 429 || status >= 500) {
      return UNAVAILABLE;
    }
    return OTHER;
  }
}
