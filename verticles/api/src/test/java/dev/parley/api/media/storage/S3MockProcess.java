package dev.parley.api.media.storage;

import dev.parley.shared.config.MediaConfig.S3Config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Adobe S3Mock 4.12.4 (copied to {@code target/s3mock/s3mock.jar} by the build when ITs run) as a child process of
 * the test: HTTPS on an ephemeral loopback port, the plain-HTTP connector the tests use on a free port. S3Mock binds
 * that extra connector on every interface (it has no address setting), so only run these tests on a loopback-only
 * test machine. Ready means its log said it started; stopped with the test JVM.
 */
public final class S3MockProcess implements AutoCloseable {
  private final Process process;
  private final int httpPort;
  private final Path root;

  private S3MockProcess(Process process, int httpPort, Path root) {
    this.process = process;
    this.httpPort = httpPort;
    this.root = root;
  }

  public static S3MockProcess start(String... buckets) throws Exception {
    Path jar = Path.of(System.getProperty("s3mock.jar", "target/s3mock/s3mock.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar.toAbsolutePath() + " is missing: run the ITs through Maven "
          + "(-DskipITs=false copies it) or pass -Ds3mock.jar=");
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path root = Files.createTempDirectory("parley-s3mock");
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-jar", jar.toString(), "--server.address=127.0.0.1", "--server.port=0",
        "--com.adobe.testing.s3mock.http-port=" + port, "--com.adobe.testing.s3mock.store.root=" + root,
        "--com.adobe.testing.s3mock.store.initial-buckets=" + String.join(",", buckets),
        "--logging.level.root=WARN", "--logging.level.com.adobe.testing.s3mock.S3MockApplication=INFO")
        .redirectErrorStream(true).start();
    S3MockProcess mock = new S3MockProcess(process, port, root);
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
    CompletableFuture<Void> started = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (line.contains("Started S3MockApplication")) {
            started.complete(null);
          }
        }
        started.completeExceptionally(new IllegalStateException("S3Mock exited with " + process.waitFor()));
      } catch (IOException | InterruptedException e) {
        started.completeExceptionally(e);
      }
    }, "s3mock-log");
    reader.setDaemon(true);
    reader.start();
    try {
      started.get(90, TimeUnit.SECONDS);
    } catch (Exception e) {
      mock.close();
      throw e;
    }
    return mock;
  }

  public String endpoint() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** Where S3Mock keeps the objects (for the test that searches stored bytes). */
  public Path root() {
    return root;
  }

  public S3Config config(String bucket, String prefix) {
    return new S3Config(endpoint(), "us-east-1", bucket, prefix, true, "test-key", "test-secret", 0);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      try (Stream<Path> files = Files.walk(root)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException ignored) {
      // a temp directory left behind is harmless
    }
  }
}
