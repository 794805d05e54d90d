package dev.parley.cli;

/** A failure that ends the command: its message is the one line printed on stderr, its exit code documented. */
public final class CliError extends RuntimeException {
  private final Exit exit;

  public CliError(Exit exit, String message) {
    super(message, null, false, false);
    this.exit = exit;
  }

  public Exit exit() {
    return exit;
  }

  public static CliError usage(String message) {
    return new CliError(Exit.USAGE, message);
  }

  public static CliError notFound(String message) {
    return new CliError(Exit.NOT_FOUND, message);
  }

  public static CliError auth(String message) {
    return new CliError(Exit.AUTH, message);
  }
}
