package dev.parley.node;

import dev.parley.client.media.MediaClient;
import dev.parley.node.MessagePathFixture.Device;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.parley.node.MessagePathFixture.await;

/**
 * Not a test: attachment throughput through one api node JVM (upload and download MB/s for 1 MiB and 100 MiB files,
 * filesystem and S3Mock storage) against a raw copy of the same bytes on this disk in the same run, and the api
 * node's RSS while 20 uploads of 100 MiB run in parallel. Figures in docs/media.md. Run:
 * <pre>
 *   eval "$(scripts/infra env)"
 *   mvn -o -B verify -DskipITs=false -pl verticles/node -am -Dit.test=MediaBenchmark -Dtest=skip \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
 * </pre>
 * S3Mock is started from {@code -Dbench.s3mock.jar} (default: the copy the api module's ITs use).
 */
class MediaBenchmark {
  private static final int MIB = 1024 * 1024;

  private MessagePathFixture fx;
  private WebClient web;
  private final List<String> report = new ArrayList<>();

  @Test
  void run() throws Exception {
    Path work = Files.createTempDirectory("parley-media-bench");
    fx = new MessagePathFixture(27_401);
    web = WebClient.create(fx.vertx, new WebClientOptions(), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(32));
    Process s3mock = null;
    try {
      int s3Port = NodeProcess.freePort();
      s3mock = startS3Mock(s3Port, work.resolve("s3"));
      int fsPort = NodeProcess.freePort();
      int s3ApiPort = NodeProcess.freePort();
      NodeProcess fsNode = NodeProcess.start("mb-fs", fx.cluster, fx.hzPort, List.of("api"), conf(fsPort,
          new JsonObject().put("storage", "filesystem").put("dataDir", work.resolve("media").toString())));
      NodeProcess s3Node = NodeProcess.start("mb-s3", fx.cluster, fx.hzPort, List.of("api"), conf(s3ApiPort,
          new JsonObject().put("storage", "s3").put("s3", new JsonObject().put("endpoint", "http://127.0.0.1:" + s3Port)
              .put("bucket", "parley-bench").put("pathStyle", true).put("accessKeyId", "bench")
              .put("secretAccessKey", "bench"))));
      fx.nodes.put("mb-fs", fsNode);
      fx.nodes.put("mb-s3", s3Node);
      fx.awaitReady(fsNode, s3Node);
      Device alice = fx.user();
      UUID channel = fx.channel(alice, List.of(alice));

      for (int[] spec : new int[][] {{1, 20}, {100, 3}}) {
        Path file = randomFile(work, spec[0] * MIB);
        byte[] sha = sha256(file);
        line("%d MiB x %d: raw disk copy (copy + fsync) %.0f MB/s", spec[0], spec[1], rawCopy(file, work, spec[1]));
        throughput("filesystem", fsPort, alice, channel, file, sha, spec[1]);
        throughput("S3Mock", s3ApiPort, alice, channel, file, sha, spec[1]);
      }
      Path big = randomFile(work, 100 * MIB);
      rssDuringParallelUploads(fsNode, fsPort, alice, channel, big, sha256(big), 20);
      report.forEach(System.out::println);
    } finally {
      if (s3mock != null) {
        s3mock.destroy();
        s3mock.waitFor(20, TimeUnit.SECONDS);
      }
      fx.close();
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private void line(String format, Object... args) {
    String text = String.format(Locale.ROOT, format, args);
    report.add(text);
    System.out.println("[media-bench] " + text);
  }

  private JsonObject conf(int apiPort, JsonObject media) {
    return fx.nodeConf(0, new JsonObject().put("api", new JsonObject().put("port", apiPort))
        .put("media", media.put("quotaMiBPerUser", 1 << 20).put("createsPerWindow", 100_000)));
  }

  private void throughput(String storage, int port, Device who, UUID channel, Path file, byte[] sha, int runs)
      throws Exception {
    MediaClient client = new MediaClient(fx.vertx, web, "http://127.0.0.1:" + port);
    long size = Files.size(file);
    long upNanos = 0;
    long downNanos = 0;
    Path out = file.resolveSibling("download.bin");
    for (int i = 0; i < runs; i++) {
      long t0 = System.nanoTime();
      UUID id = await(client.upload(who.token(), channel, file, size, sha));
      long t1 = System.nanoTime();
      await(client.download(who.token(), id, out));
      long t2 = System.nanoTime();
      upNanos += t1 - t0;
      downNanos += t2 - t1;
      if (Files.size(out) != size) {
        throw new AssertionError("download of " + id + " has " + Files.size(out) + " bytes");
      }
    }
    line("%d MiB x %d via api on %s: upload %.0f MB/s (create, chunks, finish with digest check), download %.0f MB/s",
        size / MIB, runs, storage, mbps(size * runs, upNanos), mbps(size * runs, downNanos));
  }

  private void rssDuringParallelUploads(NodeProcess node, int port, Device who, UUID channel, Path file, byte[] sha,
                                        int parallel) throws Exception {
    MediaClient client = new MediaClient(fx.vertx, web, "http://127.0.0.1:" + port);
    long before = rssKib(node.pid());
    AtomicLong peak = new AtomicLong(before);
    long sampler = fx.vertx.setPeriodic(100, t -> peak.accumulateAndGet(rssKib(node.pid()), Math::max));
    long t0 = System.nanoTime();
    List<Future<UUID>> uploads = new ArrayList<>();
    for (int i = 0; i < parallel; i++) {
      uploads.add(client.upload(who.token(), channel, file, Files.size(file), sha));
    }
    await(Future.all(uploads));
    long elapsed = System.nanoTime() - t0;
    fx.vertx.cancelTimer(sampler);
    line("%d parallel 100 MiB uploads via api on filesystem: %.0f MB/s aggregate; api node RSS %d MiB before, "
        + "peak %d MiB during (node heap -Xmx200m)", parallel, mbps(Files.size(file) * parallel, elapsed),
        before / 1024, peak.get() / 1024);
  }

  private static long rssKib(long pid) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (l.startsWith("VmRSS:")) {
          return Long.parseLong(l.replaceAll("[^0-9]", ""));
        }
      }
    } catch (Exception ignored) {
      // the process is gone: report 0
    }
    return 0;
  }

  private static double rawCopy(Path file, Path work, int runs) throws Exception {
    long nanos = 0;
    for (int i = 0; i < runs; i++) {
      Path copy = work.resolve("copy-" + i);
      long t0 = System.nanoTime();
      Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel c = FileChannel.open(copy, StandardOpenOption.WRITE)) {
        c.force(true);
      }
      nanos += System.nanoTime() - t0;
      Files.delete(copy);
    }
    return mbps(Files.size(file) * runs, nanos);
  }

  private static double mbps(long bytes, long nanos) {
    return bytes / 1e6 / (nanos / 1e9);
  }

  private static Path randomFile(Path dir, int size) throws Exception {
    Path file = dir.resolve("plain-" + size + ".bin");
    byte[] block = new byte[MIB];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int written = 0; written < size; written += block.length) {
        ThreadLocalRandom.current().nextBytes(block);
        out.write(block, 0, Math.min(block.length, size - written));
      }
    }
    return file;
  }

  private static byte[] sha256(Path file) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (var in = Files.newInputStream(file)) {
      byte[] buffer = new byte[MIB];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return digest.digest();
  }

  private static Process startS3Mock(int httpPort, Path root) throws Exception {
    String jar = System.getProperty("bench.s3mock.jar", "../api/target/s3mock/s3mock.jar");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-jar", jar, "--server.address=127.0.0.1", "--server.port=0",
        "--com.adobe.testing.s3mock.http-port=" + httpPort, "--com.adobe.testing.s3mock.store.root=" + root,
        "--com.adobe.testing.s3mock.store.initial-buckets=parley-bench", "--logging.level.root=WARN",
        "--logging.level.com.adobe.testing.s3mock.S3MockApplication=INFO").redirectErrorStream(true).start();
    CompletableFuture<Void> started = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = in.readLine()) != null; ) {
          if (l.contains("Started S3MockApplication")) {
            started.complete(null);
          }
        }
        started.completeExceptionally(new IllegalStateException("S3Mock exited"));
      } catch (Exception e) {
        started.completeExceptionally(e);
      }
    });
    reader.setDaemon(true);
    reader.start();
    started.get(90, TimeUnit.SECONDS);
    return p;
  }
}
