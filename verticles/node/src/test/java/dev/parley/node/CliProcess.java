package dev.parley.node;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code parley} CLI's shaded jar run as a person runs it ({@code java -jar parley-cli.jar …}), each invocation a
 * JVM of its own with its stdout and stderr in files. Test-only; every wait is bounded.
 */
final class CliProcess {
  static final Path JAR = Path.of("..", "..", "clients", "cli", "target", "parley-cli.jar").toAbsolutePath().normalize();
  private static final Duration LIMIT = Duration.ofSeconds(120);

  /** A finished command: exit code, stdout, stderr. */
  record Result(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private final Path home;
  private final Path logs;
  private int runs;

  CliProcess(Path home) throws IOException {
    this.home = home;
    this.logs = Files.createDirectories(home.resolve("runs"));
  }

  Path home() {
    return home;
  }

  /** Runs one command line of profile {@code profile} with {@code stdin} (may be null) and waits for it. */
  Result run(String profile, String stdin, String... args) throws Exception {
    Running r = start(profile, stdin, args);
    if (!r.process.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
      r.process.destroyForcibly();
      throw new AssertionError("parley " + String.join(" ", args) + " did not finish within " + LIMIT + "\n" + r.result(-1));
    }
    return r.result(r.process.exitValue());
  }

  /** Starts a command and returns at once (for {@code open}, which runs until it has seen its messages). */
  Running start(String profile, String stdin, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx96m", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString(), "--config-dir", home.resolve("config").toString(),
        "--profile", profile));
    cmd.addAll(List.of(args));
    int n = ++runs;
    Path out = logs.resolve(n + ".out");
    Path err = logs.resolve(n + ".err");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().remove("PARLEY_PASSWORD");
    pb.environment().remove("PARLEY_PROFILE");
    Process p = pb.start();
    try (OutputStream in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    return new Running(p, out, err);
  }

  /** A command still running. */
  record Running(Process process, Path out, Path err) {
    String stdout() {
      return read(out);
    }

    String stderr() {
      return read(err);
    }

    Result await() throws InterruptedException {
      if (!process.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("command did not finish within " + LIMIT + "\n" + result(-1));
      }
      return result(process.exitValue());
    }

    Result result(int exit) {
      return new Result(exit, stdout(), stderr());
    }

    private static String read(Path p) {
      try {
        return Files.readString(p, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(unreadable: " + e + ")";
      }
    }
  }
}
