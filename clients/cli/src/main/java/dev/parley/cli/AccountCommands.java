package dev.parley.cli;

import dev.parley.client.ParleyClient;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** signup, login, logout, whoami: the session stored in the profile (docs/cli.md, "Accounts and sessions"). */
final class AccountCommands {
  private static final String DEFAULT_SERVER = "http://127.0.0.1:8080";

  private AccountCommands() {
  }

  /** Options signup and login share. */
  static class Credentials {
    @Option(names = "--server", paramLabel = "URL",
        description = "the api's base URL (env PARLEY_SERVER; default: the profile's, else " + DEFAULT_SERVER + ")")
    String server;

    @Option(names = "--username", paramLabel = "NAME", description = "account name (default: the profile's)")
    String username;

    @Option(names = "--password-stdin", description = "read the password from the first line of stdin "
        + "(else PARLEY_PASSWORD, else a prompt)")
    boolean passwordStdin;

    @Option(names = "--device-name", paramLabel = "NAME", description = "name of this device (default: parley-cli@<host>)")
    String deviceName;

    @Option(names = "--no-e2ee", description = "do not encrypt end to end (only for a server without the MLS "
        + "Delivery Service; every message command then warns)")
    boolean noE2ee;

    @Option(names = "--gateway", paramLabel = "WS_URL", description = "gateway WebSocket URL(s) to use instead of "
        + "service discovery (repeatable), e.g. ws://127.0.0.1:8091/ws")
    List<String> gateways;

    String server(Optional<Profile> stored) {
      String env = System.getenv("PARLEY_SERVER");
      String s = server != null ? server : stored.map(Profile::server).orElse(env != null ? env : DEFAULT_SERVER);
      if (!s.matches("https?://[^\\s/]+(/\\S*)?")) {
        throw CliError.usage("--server must be an http:// or https:// URL: " + s);
      }
      return s;
    }

    String username(Optional<Profile> stored) {
      return Optional.ofNullable(username).or(() -> stored.map(Profile::username))
          .orElseThrow(() -> CliError.usage("--username is required (no profile to take it from)"));
    }

    List<String> gateways(Optional<Profile> stored) {
      List<String> g = gateways != null ? gateways : stored.map(Profile::gateways).orElse(List.of());
      g.forEach(u -> {
        if (!u.matches("wss?://\\S+")) {
          throw CliError.usage("--gateway must be a ws:// or wss:// URL: " + u);
        }
      });
      return g;
    }

    String deviceName() {
      if (deviceName != null) {
        return deviceName;
      }
      try {
        return "parley-cli@" + InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        return "parley-cli";
      }
    }
  }

  /** Logs in and stores the session; re-uses the profile's device when it is the same account on the same server. */
  static Profile login(Session s, String server, String username, String password, String deviceName,
                       List<String> gateways, Optional<Profile> stored, boolean newDevice, boolean e2ee) {
    UUID device = stored.filter(p -> !newDevice && server.equals(p.server()) && username.equalsIgnoreCase(p.username()))
        .map(Profile::deviceId).orElse(null);
    JsonObject body = new JsonObject().put("username", username).put("password", password).put("deviceName", deviceName);
    JsonObject pair;
    try {
      pair = s.await(s.api(server).post("/v1/auth/login", null, device == null ? body
          : body.copy().put("deviceId", device.toString())));
    } catch (CliError e) {
      if (device == null || e.exit() != Exit.NOT_FOUND) {
        throw e;
      }
      // The stored device was removed meanwhile: sign in as a new device.
      pair = s.await(s.api(server).post("/v1/auth/login", null, body));
    }
    Profile p = new Profile(server, gateways, username, UUID.fromString(pair.getString("userId")),
        UUID.fromString(pair.getString("deviceId")), pair.getString("accessToken"),
        s.clock().millis() + pair.getLong("accessTokenExpiresIn") * 1000, pair.getString("refreshToken"), e2ee);
    s.store.save(p);
    if (e2ee) {
      // A first connection registers the device's signature key and uploads its KeyPackages, so others can add this
      // device to their chats right away (not only after its first message command).
      ParleyClient client = Live.connect(s);
      s.await(client.close());
    }
    return p;
  }

  @Command(name = "signup", description = "Create an account, then log in as a new device of it.")
  static final class Signup extends CommandBase {
    @picocli.CommandLine.Mixin
    Credentials credentials = new Credentials();

    @Option(names = "--display-name", paramLabel = "NAME", description = "shown to others (default: the username)")
    String displayName;

    @Override
    void run(Session s) {
      Optional<Profile> stored = s.store.load();
      String server = credentials.server(stored);
      String username = Optional.ofNullable(credentials.username)
          .orElseThrow(() -> CliError.usage("--username is required"));
      String password = Passwords.read(credentials.passwordStdin, true);
      JsonObject user = s.await(s.api(server).post("/v1/auth/signup", null, new JsonObject().put("username", username)
          .put("password", password).put("displayName", displayName != null ? displayName : username)));
      Profile p = login(s, server, username, password, credentials.deviceName(), credentials.gateways(stored),
          Optional.empty(), true, !credentials.noE2ee);
      out().println("signed up " + user.getString("username") + " (user " + p.userId() + "), logged in as device "
          + p.deviceId() + " [profile " + s.store.name() + "]");
    }
  }

  @Command(name = "login", description = "Log in and store the session in the profile (mode 0600).")
  static final class Login extends CommandBase {
    @picocli.CommandLine.Mixin
    Credentials credentials = new Credentials();

    @Option(names = "--new-device", description = "register a new device even if the profile has one")
    boolean newDevice;

    @Override
    void run(Session s) {
      Optional<Profile> stored = s.store.load();
      String server = credentials.server(stored);
      String username = credentials.username(stored);
      List<String> gateways = credentials.gateways(stored);
      String password = Passwords.read(credentials.passwordStdin, false);
      Profile p = login(s, server, username, password, credentials.deviceName(), gateways, stored, newDevice,
          !credentials.noE2ee);
      out().println("logged in as " + p.username() + " (device " + p.deviceId() + ") [profile " + s.store.name() + "]");
    }
  }

  @Command(name = "logout", description = "End this device's session on the server and forget the tokens.")
  static final class Logout extends CommandBase {
    @Override
    void run(Session s) {
      Profile p = s.store.requireLoggedIn();
      try {
        s.await(s.api().post("/v1/auth/logout", s.token(), null));
      } finally {
        // Forget the tokens even when the server is unreachable: the access token lapses on its own.
        s.store.save(p.loggedOut());
      }
      out().println("logged out " + p.username() + " [profile " + s.store.name() + "]");
    }
  }

  @Command(name = "whoami", description = "Show the profile's account, device and server.")
  static final class Whoami extends CommandBase {
    @Override
    void run(Session s) {
      Profile p = s.profile();
      JsonObject me = s.await(s.api().get("/v1/me", s.token()));
      out().println(me.getString("username") + " (" + Printer.safe(me.getString("displayName")) + ") user "
          + p.userId() + " device " + p.deviceId() + " on " + p.server() + " [profile " + s.store.name() + "]");
    }
  }
}
