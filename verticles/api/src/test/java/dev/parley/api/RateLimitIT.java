package dev.parley.api;

import dev.parley.api.ratelimit.RateLimiter;
import dev.parley.api.ratelimit.RateLimiter.Bucket;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.parley.api.ApiHarness.expect;
import static dev.parley.api.ApiHarness.newUsername;
import static dev.parley.api.ApiHarness.problem;
import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Login and signup limits in Redis: per client address, per (account, address) and a per-account ceiling that
 * spares known addresses, with a growing Retry-After.
 */
class RateLimitIT {
  private static final String ADDRESS = "127.0.0.1";
  /** Other loopback addresses play other clients: Linux routes all of 127/8 to lo. */
  private static final String[] OTHERS = {"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"};
  private static ApiHarness api;

  @BeforeAll
  static void start() {
    api = ApiHarness.start(new JsonObject().put("api", new JsonObject().put("rateLimit", new JsonObject()
        .put("windowSeconds", 30).put("maxBackoffSeconds", 100).put("loginPerAccount", 6).put("loginPerAccountAndAddress", 3)
        .put("loginPerAddress", 12)
        .put("signupPerAddress", 4))));
  }

  @AfterAll
  static void stop() {
    clearAddress();
    api.close();
  }

  /** The address buckets are shared by every test on this machine: start each test from zero. */
  @BeforeEach
  void clear() {
    clearAddress();
  }

  private static void clearAddress() {
    Request del = Request.cmd(Command.DEL).arg(RateLimiter.key(Bucket.SIGNUP_ADDRESS, ADDRESS));
    for (String address : addresses()) {
      del.arg(RateLimiter.key(Bucket.LOGIN_ADDRESS, address));
    }
    await(api.clients.redis().send(del));
  }

  private static List<String> addresses() {
    List<String> all = new ArrayList<>(List.of(OTHERS));
    all.add(ADDRESS);
    return all;
  }

  /** Logs in from {@code localAddress} (the server sees it as the client address). */
  private static HttpResponse<Buffer> loginFrom(String localAddress, String username, String password) {
    WebClient client = WebClient.create(api.vertx, new WebClientOptions().setLocalAddress(localAddress));
    try {
      return await(client.post(api.port, "127.0.0.1", "/v1/auth/login").sendJsonObject(new JsonObject()
          .put("username", username).put("password", password).put("deviceName", "phone")));
    } finally {
      client.close();
    }
  }

  @Test
  @DisplayName("guesses from other addresses cannot lock the owner out: limited per (account, address), and the "
      + "per-account ceiling spares addresses that logged in to the account before")
  void noLockOutSwitch() {
    String username = newUsername();
    expect(api.signup(username, "a fine passphrase"), 201);
    expect(loginFrom(ADDRESS, username, "a fine passphrase"), 200);
    // One attacker address: 3 guesses, then that pair is held, and only that pair.
    for (int i = 0; i < 3; i++) {
      problem(loginFrom(OTHERS[0], username, "wrong passphrase"), 401, "invalid_credentials");
    }
    problem(loginFrom(OTHERS[0], username, "a fine passphrase"), 429, "rate_limited");
    expect(loginFrom(ADDRESS, username, "a fine passphrase"), 200);
    expect(loginFrom(OTHERS[1], username, "a fine passphrase"), 200);
    // More addresses: past the per-account ceiling (6 attempts from addresses then unknown to the
    // account: the owner's first login, 3 guesses, the second address's first login, 1 guess)
    // a new address waits ...
    problem(loginFrom(OTHERS[2], username, "wrong passphrase"), 401, "invalid_credentials");
    HttpResponse<Buffer> ceiling = loginFrom(OTHERS[3], username, "a fine passphrase");
    problem(ceiling, 429, "rate_limited");
    assertThat(ceiling.getHeader("retry-after")).isEqualTo("30");
    // ... but the owner's known addresses are not held by it.
    expect(loginFrom(ADDRESS, username, "a fine passphrase"), 200);
    expect(loginFrom(OTHERS[1], username, "a fine passphrase"), 200);
  }

  @Test
  @DisplayName("failed logins for one account hit 429 with Retry-After, which doubles on each further attempt")
  void perAccountWithBackoff() {
    String username = newUsername();
    expect(api.signup(username, "a fine passphrase"), 201);
    for (int i = 0; i < 3; i++) {
      problem(api.login(username, "wrong passphrase", "phone"), 401, "invalid_credentials");
    }
    HttpResponse<Buffer> limited = api.login(username, "a fine passphrase", "phone");
    problem(limited, 429, "rate_limited");
    assertThat(limited.getHeader("retry-after")).isEqualTo("30");
    assertThat(api.login(username.toUpperCase(), "a fine passphrase", "phone").getHeader("retry-after")).isEqualTo("60");
    assertThat(api.login(username, "a fine passphrase", "phone").getHeader("retry-after")).isEqualTo("100");

    // Another account from the same address is unaffected (the address budget is larger).
    String other = newUsername();
    expect(api.signup(other, "a fine passphrase"), 201);
    expect(api.login(other, "a fine passphrase", "phone"), 200);
  }

  @Test
  @DisplayName("a successful login clears the account's failures")
  void successClears() {
    String username = newUsername();
    expect(api.signup(username, "a fine passphrase"), 201);
    problem(api.login(username, "wrong passphrase", "phone"), 401, "invalid_credentials");
    problem(api.login(username, "wrong passphrase", "phone"), 401, "invalid_credentials");
    expect(api.login(username, "a fine passphrase", "phone"), 200);
    problem(api.login(username, "wrong passphrase", "phone"), 401, "invalid_credentials");
    problem(api.login(username, "wrong passphrase", "phone"), 401, "invalid_credentials");
    expect(api.login(username, "a fine passphrase", "laptop"), 200);
  }

  @Test
  @DisplayName("logins from one address across many accounts are limited per address")
  void perAddressLogin() {
    for (int i = 0; i < 12; i++) {
      problem(api.login(newUsername(), "wrong passphrase", "phone"), 401, "invalid_credentials");
    }
    HttpResponse<Buffer> limited = api.login(newUsername(), "wrong passphrase", "phone");
    problem(limited, 429, "rate_limited");
    assertThat(Integer.parseInt(limited.getHeader("retry-after"))).isBetween(1, 100);
  }

  @Test
  @DisplayName("signups from one address are limited per address")
  void perAddressSignup() {
    for (int i = 0; i < 4; i++) {
      expect(api.signup(newUsername(), "a fine passphrase"), 201);
    }
    HttpResponse<Buffer> limited = api.signup(newUsername(), "a fine passphrase");
    problem(limited, 429, "rate_limited");
    assertThat(limited.getHeader("retry-after")).isEqualTo("30");
  }
}
