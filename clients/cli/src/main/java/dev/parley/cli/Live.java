package dev.parley.cli;

import dev.parley.client.E2ee;
import dev.parley.client.Message;
import dev.parley.client.ParleyClient;
import io.vertx.core.Future;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The one place the CLI opens a device connection with {@code clients/java}'s {@link ParleyClient}: the library does
 * the protocol (gateway choice, resend, seq and hash-chain checks, gap filling) and, for a profile with end-to-end
 * encryption (the default), the MLS side: it encrypts every message sent and decrypts every message received, with the
 * device's MLS state in {@code <profile>.d/<deviceId>/mls}. Every message the connection delivers — whatever the
 * command — is kept in the profile's {@link LocalLog}, since a decrypted message cannot be decrypted a second time.
 */
public final class Live {
  private Live() {
  }

  /** What a command does with what the connection delivers (called on the client's event loop; keep it short). */
  public interface Listener {
    default void message(Message m) {
    }

    default void undecryptable(Message m, String reason) {
    }
  }

  /** The device's own directory: its MLS state and its kept messages belong to that device only. */
  static Path deviceDir(Session s) {
    return s.store.dataDir().resolve(s.profile().deviceId().toString());
  }

  /** A connected client of the session's device; fails with exit 3 (refused) or 5 (no gateway reachable in time). */
  public static ParleyClient connect(Session s) {
    return connect(s, new Listener() { }, client -> { });
  }

  /**
   * Like {@link #connect(Session)}; {@code prepare} may track chats before the first frame can arrive. With E2EE the
   * chats this device has read before are tracked from where it stopped, so it reads on from there.
   */
  public static ParleyClient connect(Session s, Listener listener, Consumer<ParleyClient> prepare) {
    Profile p = s.profile();
    PrintWriter err = new PrintWriter(System.err, true);
    AtomicReference<Throwable> lastFailure = new AtomicReference<>();
    ParleyClient client = ParleyClient.create(s.vertx, new ParleyClient.Options(p.gateways(), p.server(), p.userId(),
        p.deviceId(), p.accessToken()), s.web).onConnectFailure(lastFailure::set)
        .onChainViolation(e -> err.println("parley: warning: " + Errors.oneLine(e)));
    if (p.e2ee()) {
      s.lockDevice(deviceDir(s));
      LocalLog log = s.localLog();
      client.enableE2ee(deviceDir(s).resolve("mls"));
      for (UUID chat : log.chats()) {
        LocalLog.Position at = log.position(chat);
        client.track(chat, at.seq(), at.hash());
      }
      client.onMessage(m -> {
        log.append(m);
        listener.message(m);
      });
      client.onUndecryptable((m, e) -> {
        // Commits the device applied before (met again when a chat is re-read) are not conversation: only messages.
        if ("application".equals(m.kind())) {
          String reason = Errors.oneLine(e);
          log.appendUndecryptable(m, reason);
          listener.undecryptable(m, reason);
        }
      });
    } else {
      err.println("parley: warning: profile '" + s.store.name() + "' does not encrypt end to end (logged in with "
          + "--no-e2ee)");
      client.onMessage(listener::message);
    }
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
    E2ee e2ee = client.e2ee();
    if (e2ee != null) {
      e2ee.onKeyChange(change -> err.println("parley: warning: the device keys of user " + change.userId()
          + " changed (" + change.entries().size() + " change(s)): compare the safety number again"));
    }
    return client;
  }

  /** The client's E2EE side; exit 1 if the profile does not encrypt (the command needs it). */
  static E2ee e2ee(ParleyClient client) {
    E2ee e = client.e2ee();
    if (e == null) {
      throw new CliError(Exit.OTHER, "this profile does not encrypt end to end");
    }
    return e;
  }
}
