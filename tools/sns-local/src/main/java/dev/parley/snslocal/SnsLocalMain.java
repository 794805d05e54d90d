package dev.parley.snslocal;

import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/**
 * Runs the local SNS stand-in: {@code java -jar sns-local.jar [--host 127.0.0.1] [--port 9911]}. Exits with 2 on
 * bad arguments and 1 when the port cannot be bound; SIGTERM stops it.
 */
public final class SnsLocalMain {
  private static final Logger LOG = LoggerFactory.getLogger(SnsLocalMain.class);

  private SnsLocalMain() {
  }

  public static void main(String[] args) {
    String host = "127.0.0.1";
    int port = 9911;
    try {
      for (int i = 0; i < args.length; i += 2) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(args[i] + " needs a value");
        }
        switch (args[i]) {
          case "--host" -> host = args[i + 1];
          case "--port" -> port = Integer.parseInt(args[i + 1]);
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("--port must be 0..65535");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("sns-local: " + e.getMessage() + "\nusage: java -jar sns-local.jar [--host H] [--port P]");
      System.exit(2);
    }
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(new SnsLocalServer(host, port, Clock.systemUTC())).onFailure(err -> {
      LOG.error("sns-local could not start: {}", err.toString());
      System.exit(1);
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await()));
  }
}
