package dev.parley.api;

import dev.parley.api.ratelimit.RateLimiter;
import dev.parley.api.ratelimit.RateLimiter.Bucket;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static dev.parley.api.ApiHarness.expect;
import static dev.parley.api.ApiHarness.newUsername;
import static dev.parley.api.ApiHarness.problem;
import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Login and signup limits in Redis: per account and per client address, with a growing Retry-After. */
class RateLimitIT {
  private static final String ADDRESS = "127.0.0.1";
  private static ApiHarness api;

  @BeforeAll
  static void start() {
    api = ApiHarness.start(new JsonObject().put("api", new JsonObject().put("rateLimit", new JsonObject()
        .put("windowSeconds", 30).put("maxBackoffSeconds", 100).put("loginPerAccount", 3).put("loginPerAddress", 12)
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
    await(api.clients.redis().send(Request.cmd(Command.DEL).arg(RateLimiter.key(Bucket.LOGIN_ADDRESS, ADDRESS))
        .arg(RateLimiter.key(Bucket.SIGNUP_ADDRESS, ADDRESS))));
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
