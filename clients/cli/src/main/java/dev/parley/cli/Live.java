package dev.parley.cli;

import dev.parley.client.ParleyClient;
import io.vertx.core.Future;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The one place the CLI opens a device connection with {@code clients/java}'s {@link ParleyClient}: the library does
 * the protocol (gateway choice, resend, seq and hash-chain checks, gap filling). This is also the seam for end-to-end
 * encryption: once the library encrypts transparently, the client built here is the encrypting one and every
 * command that sends or receives gets it (docs/cli.md, "End-to-end encryption").
 */
public final class Live {
  private Live() {
  }

  /** A connected client of the session's device; fails with exit 3 (refused) or 5 (no gateway reachable in time). */
  public static ParleyClient connect(Session s) {
    return connect(s, client -> { });
  }

  /** Like {@link #connect(Session)}; {@code prepare} sets handlers and tracked chats before the first frame can arrive. */
  public static ParleyClient connect(Session s, java.util.function.Consumer<ParleyClient> prepare) {
    Profile p = s.profile();
    AtomicReference<Throwable> lastFailure = new AtomicReference<>();
    ParleyClient client = ParleyClient.create(s.vertx, new ParleyClient.Options(p.gateways(), p.server(), p.userId(),
        p.deviceId(), p.accessToken()), s.web).onConnectFailure(lastFailure::set);
    prepare.accept(client);
    Future<Void> ready = client.connect();
    try {
      s.await(ready);
    } catch (CliError e) {
      client.close();
      Throwable last = lastFailure.get();
      if (last != null) {
        CliError cause = Errors.toCliError(last);
        throw new CliError(cause.exit() == Exit.OTHER ? Exit.UNAVAILABLE : cause.exit(),
            "could not connect to a gateway: " + cause.getMessage());
      }
      throw e;
    }
    return client;
  }
}
