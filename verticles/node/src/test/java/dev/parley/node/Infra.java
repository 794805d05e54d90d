package dev.parley.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The kill tests' handle on the real services started by {@code scripts/infra}: kill -9 one by its PID file, and
 * start it again with the script. Both default to this repository's own ({@code <repo>/scripts/infra}, PID files
 * under {@code <repo>/.parley}); when the services were started from another checkout (e.g. a second git
 * worktree sharing one set of services), point {@code PARLEY_HOME} at that checkout's {@code .parley} and
 * {@code PARLEY_INFRA_SCRIPT} at its {@code scripts/infra}. Run kill tests one at a time (other suites must not
 * use the services meanwhile).
 */
final class Infra {
  private static final Path REPO = Path.of("..", "..").toAbsolutePath().normalize();
  private static final Path HOME = Path.of(env("PARLEY_HOME", REPO.resolve(".parley").toString()));
  private static final Path SCRIPT = Path.of(env("PARLEY_INFRA_SCRIPT", REPO.resolve("scripts/infra").toString()));

  private Infra() {
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  /** kill -9 of {@code service} (postgres, redis, etcd, kafka, cassandra). */
  static void kill(String service) throws Exception {
    long pid = Long.parseLong(Files.readString(HOME.resolve("run/" + service + ".pid")).trim());
    Process p = new ProcessBuilder("kill", "-9", String.valueOf(pid)).inheritIO().start();
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("kill -9 " + pid + " (" + service + ") failed");
    }
  }

  /** Deletes everything under {@code service}'s data directory (the service must be down: after {@link #kill}). */
  static void deleteData(String service) throws Exception {
    Path data = HOME.resolve("data").resolve(service);
    if (Files.isDirectory(data)) {
      try (var all = Files.walk(data)) {
        for (Path p : all.sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(data)).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /** {@code scripts/infra <args>}; its exit code (output appended to target/infra-from-it.log). */
  static int script(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(SCRIPT.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of("target", "infra-from-it.log").toFile()));
    pb.environment().put("PARLEY_HOME", HOME.toString());
    Process p = pb.start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("scripts/infra " + String.join(" ", args) + " did not finish in 180 s");
    }
    return p.exitValue();
  }

  /** Starts {@code service} again and fails the test if it does not come up ready. */
  static void start(String service) throws Exception {
    int code = script("start", service);
    if (code != 0) {
      throw new AssertionError("scripts/infra start " + service + " exited " + code + " (see target/infra-from-it.log)");
    }
  }
}
