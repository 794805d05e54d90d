package dev.parley.bench.load;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The relay baseline a run starts for itself: its own JVM ({@link RelayServer#main}, log in {@code <out>/relay.log}),
 * or, in tests ({@code --in-process}), a {@link RelayServer} on a Vert.x instance of its own.
 */
final class RelayProcess {
  private final String url;
  private final Process process;
  private final Vertx vertx;

  private RelayProcess(String url, Process process, Vertx vertx) {
    this.url = url;
    this.process = process;
    this.vertx = vertx;
  }

  String url() {
    return url;
  }

  static RelayProcess start(LoadOptions opts, Path manifestFile) throws Exception {
    if (opts.inProcess()) {
      Vertx vertx = Vertx.vertx();
      RelayServer relay = new RelayServer(vertx, new RelayServer.Settings(0, 2, opts.relayDropEvery(),
          opts.relayDupEvery(), opts.relayLoseEvery(), 20_000), List.of(Manifest.read(manifestFile)));
      int port = Coordinator.await(relay.start(), 30_000);
      return new RelayProcess("ws://127.0.0.1:" + port + "/ws", null, vertx);
    }
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + opts.relayHeap(), "-Dio.netty.jfr.enabled=false", "-cp", System.getProperty("java.class.path"),
        RelayServer.class.getName(), "--port", "0", "--manifest", manifestFile.toString(),
        "--drop-every", Integer.toString(opts.relayDropEvery()), "--dup-every", Integer.toString(opts.relayDupEvery()),
        "--lose-every", Integer.toString(opts.relayLoseEvery())));
    Path log = opts.out().resolve("relay.log");
    Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException ignored) {
        // the relay ended; its log says why
      }
    }, "relay-stdout");
    reader.setDaemon(true);
    reader.start();
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline && p.isAlive()) {
      String line = lines.poll(200, TimeUnit.MILLISECONDS);
      if (line != null && line.startsWith(WorkerLink.MARK)) {
        int port = new JsonObject(line.substring(WorkerLink.MARK.length())).getInteger("port");
        Coordinator.say("relay baseline listening on 127.0.0.1:" + port + " (pid " + p.pid() + ")");
        return new RelayProcess("ws://127.0.0.1:" + port + "/ws", p, null);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("the relay did not start (" + (p.isAlive() ? "no port within 60 s" : "it exited")
        + "); see " + log);
  }

  void stop() {
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    if (vertx != null) {
      vertx.close();
    }
  }
}
