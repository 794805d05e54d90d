package dev.parley.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Where a password comes from — never the command line, where other users of the machine can read it: the first
 * line of stdin ({@code --password-stdin}), else {@code PARLEY_PASSWORD}, else a prompt on the terminal.
 */
final class Passwords {
  private Passwords() {
  }

  static String read(boolean fromStdin, boolean confirm) {
    if (fromStdin) {
      try {
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (line == null || line.isEmpty()) {
          throw CliError.usage("--password-stdin: stdin gave no password line");
        }
        return line;
      } catch (IOException e) {
        throw CliError.usage("--password-stdin: cannot read stdin: " + e.getMessage());
      }
    }
    String env = System.getenv("PARLEY_PASSWORD");
    if (env != null && !env.isEmpty()) {
      return env;
    }
    Console console = System.console();
    if (console == null) {
      throw CliError.usage("no password: give it with --password-stdin or PARLEY_PASSWORD, or run on a terminal");
    }
    char[] first = console.readPassword("Password: ");
    if (first == null || first.length == 0) {
      throw CliError.usage("no password given");
    }
    if (confirm) {
      char[] again = console.readPassword("Password again: ");
      if (again == null || !new String(first).equals(new String(again))) {
        throw CliError.usage("the two passwords differ");
      }
    }
    return new String(first);
  }
}
