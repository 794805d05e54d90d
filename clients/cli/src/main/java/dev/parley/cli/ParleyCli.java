package dev.parley.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * {@code parley}: the command-line client (docs/cli.md). Each command is a subcommand class; this class holds the
 * options every command shares and maps every failure to one line on stderr and a documented exit code ({@link Exit}).
 */
@Command(name = "parley", mixinStandardHelpOptions = true, version = "parley 0.1.0",
    description = "Parley chat from the command line. Exit codes: 0 ok, 1 other, 2 usage, 3 auth, "
        + "4 not found/forbidden, 5 network/unavailable (docs/cli.md).",
    subcommands = {AccountCommands.Signup.class, AccountCommands.Login.class, AccountCommands.Logout.class,
        AccountCommands.Whoami.class, DevicesCommand.class, ChatsCommand.class, MessageCommands.Send.class,
        MessageCommands.History.class, OpenCommand.class, ChannelCommands.Dm.class, ChannelCommands.Group.class,
        SafetyNumberCommand.class, FileCommands.SendFile.class, FileCommands.Download.class})
public final class ParleyCli implements Runnable {

  @Option(names = "--profile", defaultValue = "${env:PARLEY_PROFILE:-default}",
      description = "stored session to use (several users or devices side by side); env PARLEY_PROFILE; default: ${DEFAULT-VALUE}")
  String profile;

  @Option(names = "--config-dir", defaultValue = "${env:PARLEY_CLI_HOME}",
      description = "where profiles are kept (mode 0700); env PARLEY_CLI_HOME; default: $XDG_CONFIG_HOME/parley or ~/.config/parley")
  Path configDir;

  @Option(names = "--timeout", defaultValue = "30", paramLabel = "SECONDS",
      description = "how long to wait for the server per step (default: ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command (parley --help lists them)");
  }

  /** The session every subcommand runs with (close it when done). */
  Session session() {
    if (timeoutSeconds < 1 || timeoutSeconds > 3600) {
      throw CliError.usage("--timeout must be 1-3600 seconds");
    }
    return new Session(new ProfileStore(configDirOrDefault(), profile), Duration.ofSeconds(timeoutSeconds),
        Clock.systemUTC());
  }

  private Path configDirOrDefault() {
    if (configDir != null) {
      return configDir;
    }
    String xdg = System.getenv("XDG_CONFIG_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
    return base.resolve("parley");
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs one command line; answers the exit code (what {@link #main} exits with). */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new ParleyCli()).setOut(out).setErr(err);
    cli.setParameterExceptionHandler((ex, argv) -> {
      err.println("parley: " + ex.getMessage());
      err.println("usage: " + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help");
      return Exit.USAGE.code;
    });
    cli.setExecutionExceptionHandler((ex, commandLine, parsed) -> {
      CliError e = Errors.toCliError(ex);
      err.println("parley: " + e.getMessage());
      return e.exit().code;
    });
    return cli.execute(args);
  }
}
