package dev.parley.cli;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What one command runs with: a Vert.x instance, the HTTP client, the profile store and, for commands that need
 * a login, the stored session with a fresh access token. The command's own thread waits on futures ({@link #await});
 * nothing blocks an event loop.
 */
public final class Session implements AutoCloseable {
  /** Refresh the access token when less than this is left, so it cannot lapse in the middle of a command. */
  private static final long REFRESH_MARGIN_MS = 60_000;

  public final Vertx vertx;
  public final WebClient web;
  public final ProfileStore store;
  public final Duration timeout;
  private final Clock clock;
  private Profile profile;
  private Api api;
  private LocalLog localLog;
  private FileChannel deviceLock;

  public Session(ProfileStore store, Duration timeout, Clock clock) {
    this.vertx = Vertx.vertx(new VertxOptions().setBlockedThreadCheckInterval(10_000));
    this.web = WebClient.create(vertx, new WebClientOptions().setConnectTimeout((int) Math.min(timeout.toMillis(), 10_000))
        .setUserAgent("parley-cli"));
    this.store = store;
    this.timeout = timeout;
    this.clock = clock;
  }

  public Clock clock() {
    return clock;
  }

  /** An API client for {@code server} (signup and login, before a session exists). */
  public Api api(String server) {
    return new Api(web, server);
  }

  /** The signed-in profile, its access token refreshed first when it is about to expire. */
  public Profile profile() {
    if (profile == null) {
      profile = refreshIfNeeded(store.requireLoggedIn());
    }
    return profile;
  }

  public Api api() {
    if (api == null) {
      api = new Api(web, profile().server());
    }
    return api;
  }

  /**
   * Holds the device's E2EE state for this command alone: two processes with the same MLS state would each advance
   * their own copy of the ratchets (reusing message keys, and losing each other's commits), so a second command of the
   * same device is refused while one runs (exit 1). Released when the session closes.
   */
  void lockDevice(java.nio.file.Path dir) {
    if (deviceLock != null) {
      return;
    }
    try {
      java.nio.file.Files.createDirectories(dir);
      FileChannel channel = FileChannel.open(dir.resolve("device.lock"), java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.WRITE);
      if (channel.tryLock() == null) {
        channel.close();
        throw new CliError(Exit.OTHER, "another parley command of profile '" + store.name() + "' is using this "
            + "device's end-to-end encryption state; wait for it to end (or type into its 'parley open')");
      }
      deviceLock = channel;
    } catch (IOException e) {
      throw new CliError(Exit.OTHER, "cannot lock " + dir + ": " + e.getMessage());
    }
  }

  /** The messages the profile's current device has read (one instance per command: it caches positions). */
  LocalLog localLog() {
    if (localLog == null) {
      localLog = new LocalLog(store.dataDir().resolve(profile().deviceId().toString()).resolve("chats"));
    }
    return localLog;
  }

  public String token() {
    return profile().accessToken();
  }

  private Profile refreshIfNeeded(Profile p) {
    if (p.accessTokenExpiresAt() - clock.millis() > REFRESH_MARGIN_MS) {
      return p;
    }
    try (FileChannel lock = store.lock()) {
      // Another command may have refreshed while this one waited for the lock: its token is the one to use.
      Profile current = store.requireLoggedIn();
      if (current.accessTokenExpiresAt() - clock.millis() > REFRESH_MARGIN_MS) {
        return current;
      }
      JsonObject pair;
      try {
        pair = await(api(current.server()).post("/v1/auth/refresh", null,
            new JsonObject().put("refreshToken", current.refreshToken())));
      } catch (CliError e) {
        if (e.exit() == Exit.AUTH) {
          store.save(current.loggedOut());
          throw CliError.auth("the session of profile '" + store.name() + "' has ended (" + e.getMessage()
              + "): run 'parley login'");
        }
        throw e;
      }
      Profile refreshed = current.withTokens(pair.getString("accessToken"),
          clock.millis() + pair.getLong("accessTokenExpiresIn") * 1000, pair.getString("refreshToken"));
      store.save(refreshed);
      return refreshed;
    } catch (IOException e) {
      throw new CliError(Exit.OTHER, "cannot unlock profile " + store.name() + ": " + e.getMessage());
    }
  }

  /** Waits for {@code f} on the command's thread; failures become {@link CliError}s with their exit code. */
  public <T> T await(Future<T> f) {
    return await(f, timeout);
  }

  public <T> T await(Future<T> f, Duration limit) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new CliError(Exit.UNAVAILABLE, "no answer within " + limit.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliError(Exit.OTHER, "interrupted");
    } catch (ExecutionException e) {
      throw Errors.toCliError(e.getCause());
    }
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // the process is ending anyway
    }
    if (deviceLock != null) {
      try {
        deviceLock.close();
      } catch (IOException ignored) {
        // released by the process exit anyway
      }
    }
  }
}
