package dev.parley.node;

import dev.parley.shared.metrics.Metrics;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;

import java.util.Map;

/**
 * Entry point of the {@code parley-node} jar: maps cluster settings from the environment to the system
 * properties {@code cluster.xml} reads, then hands over to Vert.x's {@link VertxApplication} launcher
 * ({@code -cluster -cluster-host H -cluster-port P -conf JSON}).
 */
public final class ParleyNode {
  private ParleyNode() {
  }

  public static void main(String[] args) {
    applyClusterDefaults(System.getenv());
    // VertxApplication finds Main-Verticle only when it is itself the jar's Main-Class, so name it here.
    String[] launchArgs = new String[args.length + 1];
    launchArgs[0] = NodeVerticle.class.getName();
    System.arraycopy(args, 0, launchArgs, 1, args.length);
    int exitCode = new VertxApplication(launchArgs, new Hooks()).launch();
    if (exitCode != 0) {
      System.exit(exitCode);
    }
  }

  static void applyClusterDefaults(Map<String, String> env) {
    setDefault("vertx.hazelcast.config", "classpath:cluster.xml");
    setDefault("parley.cluster.name", env.getOrDefault("PARLEY_CLUSTER_NAME", "parley"));
    setDefault("parley.cluster.members", env.getOrDefault("PARLEY_CLUSTER_MEMBERS", "127.0.0.1"));
    setDefault("parley.cluster.interface", env.getOrDefault("PARLEY_CLUSTER_INTERFACE", "127.0.0.1"));
    setDefault("parley.cluster.port", env.getOrDefault("PARLEY_CLUSTER_PORT", "5701"));
    // Hazelcast waits 5 s before joining by default; on a LAN or loopback 1 s is plenty.
    setDefault("hazelcast.wait.seconds.before.join", "1");
    setDefault("hazelcast.logging.type", "slf4j");
    // Netty 4.2 registers JFR event types on its first pooled allocation: seconds of a blocked event loop on a
    // busy small machine. Operators who want the events set -Dio.netty.jfr.enabled=true.
    setDefault("io.netty.jfr.enabled", "false");
    setDefault("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** Enables Micrometer metrics (served by the ops port at /metrics) before Vert.x is created. */
  private static final class Hooks implements VertxApplicationHooks {
    @Override
    public void beforeStartingVertx(HookContext context) {
      context.vertxOptions().setMetricsOptions(Metrics.options());
    }
  }
}
