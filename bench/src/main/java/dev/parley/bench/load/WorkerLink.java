package dev.parley.bench.load;

import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator ↔ worker channel: JSON objects, one per line. A worker process writes its reports to stdout
 * behind {@link #MARK} (so stray output cannot be mistaken for one) and reads commands from stdin; an in-process
 * worker (tests) exchanges the same objects through queues.
 */
public final class WorkerLink {
  public static final String MARK = "@@parley-bench ";

  private WorkerLink() {
  }

  /** The worker's end. */
  public interface Endpoint {
    void emit(JsonObject report);

    /** The next command, or null after {@code timeoutMs}. */
    JsonObject poll(long timeoutMs) throws InterruptedException;
  }

  /** A report from worker {@code worker} (-1: the link itself, e.g. a worker process that exited). */
  public record Report(int worker, JsonObject body) {
  }

  /** The coordinator's end of one worker. */
  public interface Handle {
    void send(JsonObject command);

    boolean alive();

    /** Waits up to {@code ms} for the worker to end; then ends it by force. */
    void finish(long ms);
  }

  /** A worker process: stdout lines behind the mark become reports, other lines go to stderr prefixed. */
  public static Handle process(int index, Process p, BlockingQueue<Report> reports) {
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (line.startsWith(MARK)) {
            reports.add(new Report(index, new JsonObject(line.substring(MARK.length()))));
          } else if (!line.isBlank()) {
            System.err.println("[worker " + index + "] " + line);
          }
        }
      } catch (IOException | RuntimeException e) {
        System.err.println("[worker " + index + "] output unreadable: " + e);
      }
      reports.add(new Report(index, new JsonObject().put("type", "exit").put("code", exitCode(p))));
    }, "worker-" + index + "-reader");
    reader.setDaemon(true);
    reader.start();
    OutputStream stdin = p.getOutputStream();
    return new Handle() {
      @Override
      public synchronized void send(JsonObject command) {
        try {
          stdin.write((command.encode() + "\n").getBytes(StandardCharsets.UTF_8));
          stdin.flush();
        } catch (IOException e) {
          System.err.println("[load] worker " + index + " does not take commands: " + e.getMessage());
        }
      }

      @Override
      public boolean alive() {
        return p.isAlive();
      }

      @Override
      public void finish(long ms) {
        try {
          if (!p.waitFor(ms, TimeUnit.MILLISECONDS)) {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
              p.destroyForcibly();
            }
          }
        } catch (InterruptedException e) {
          p.destroyForcibly();
          Thread.currentThread().interrupt();
        }
      }
    };
  }

  private static int exitCode(Process p) {
    try {
      return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The endpoint of a worker process: stdout and stdin. */
  public static Endpoint stdio() {
    BlockingQueue<JsonObject> commands = new LinkedBlockingQueue<>();
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (!line.isBlank()) {
            commands.add(new JsonObject(line));
          }
        }
      } catch (IOException | RuntimeException e) {
        // fall through: a closed stdin means the coordinator is gone
      }
      commands.add(new JsonObject().put("cmd", "stop").put("reason", "coordinator gone"));
    }, "commands");
    reader.setDaemon(true);
    reader.start();
    return new Endpoint() {
      @Override
      public void emit(JsonObject report) {
        synchronized (out) {
          out.println(MARK + report.encode());
        }
      }

      @Override
      public JsonObject poll(long timeoutMs) throws InterruptedException {
        return commands.poll(timeoutMs, TimeUnit.MILLISECONDS);
      }
    };
  }

  /** An in-process worker (tests): a thread running {@code body} with queues for both directions. */
  public static Handle inProcess(int index, BlockingQueue<Report> reports, java.util.function.Consumer<Endpoint> body) {
    BlockingQueue<JsonObject> commands = new LinkedBlockingQueue<>();
    Endpoint endpoint = new Endpoint() {
      @Override
      public void emit(JsonObject report) {
        reports.add(new Report(index, report));
      }

      @Override
      public JsonObject poll(long timeoutMs) throws InterruptedException {
        return commands.poll(timeoutMs, TimeUnit.MILLISECONDS);
      }
    };
    Thread t = new Thread(() -> {
      int code = 0;
      try {
        body.accept(endpoint);
      } catch (RuntimeException e) {
        e.printStackTrace();
        endpoint.emit(new JsonObject().put("type", "failed").put("message", e.toString()));
        code = 1;
      }
      reports.add(new Report(index, new JsonObject().put("type", "exit").put("code", code)));
    }, "worker-" + index);
    t.setDaemon(true);
    t.start();
    return new Handle() {
      @Override
      public void send(JsonObject command) {
        commands.add(command);
      }

      @Override
      public boolean alive() {
        return t.isAlive();
      }

      @Override
      public void finish(long ms) {
        try {
          t.join(Math.max(1, ms)); // join(0) would wait forever
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
  }
}
