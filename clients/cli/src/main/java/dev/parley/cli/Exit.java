package dev.parley.cli;

/**
 * The exit codes of every {@code parley} command (docs/cli.md, "Exit codes"). Scripts branch on them, so they
 * never change meaning; {@code ExitCodesDocTest} keeps the table in the docs equal to this enum.
 */
public enum Exit {
  OK(0, "success"),
  OTHER(1, "any other failure: a conflict the server reports (e.g. username_taken, already_member), a local I/O error, a bug"),
  USAGE(2, "usage: unknown command or option, missing or malformed argument, input the server refuses as invalid (400/422, e.g. weak_password)"),
  AUTH(3, "authentication: not logged in, wrong username or password, session expired or device removed (401)"),
  NOT_FOUND(4, "not found or forbidden: no such user, chat, device or attachment, or not yours (403/404)"),
  UNAVAILABLE(5, "network or service unavailable: connection refused, timeout, 429 or 5xx (retrying later may help)");

  public final int code;
  public final String meaning;

  Exit(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
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
