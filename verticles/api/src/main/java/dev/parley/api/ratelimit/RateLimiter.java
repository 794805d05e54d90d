package dev.parley.api.ratelimit;

import dev.parley.shared.Refusal;
import dev.parley.shared.config.ParleyConfig.RateLimitConfig;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * Abuse limits in Redis, shared by every api node: a fixed-window counter per (bucket, subject) whose key lives for
 * the window. Past the limit, each further attempt doubles the key's lifetime (window, 2×window, … up to the
 * configured maximum), so a client that keeps hammering waits longer and longer, while one that stops is free again
 * after the announced Retry-After. One Lua script keeps count and backoff atomic across nodes.
 */
public final class RateLimiter {
  public static final String KEY_PREFIX = "parley:rl:";

  // KEYS[1] counter; ARGV: window seconds, limit, max backoff seconds. Returns {count, retryAfterSeconds}.
  private static final String SCRIPT = """
      local c = redis.call('INCR', KEYS[1])
      local window = tonumber(ARGV[1])
      local limit = tonumber(ARGV[2])
      if c == 1 then redis.call('EXPIRE', KEYS[1], window) end
      if c <= limit then return {c, 0} end
      local wait = math.floor(math.min(tonumber(ARGV[3]), window * 2 ^ math.min(c - limit - 1, 30)))
      redis.call('EXPIRE', KEYS[1], wait)
      return {c, wait}
      """;

  /** What is limited; the name is part of the Redis key. */
  public enum Bucket {
    /** The per-account ceiling; only addresses that never logged in to the account count and are held by it. */
    LOGIN_ACCOUNT("login:account"),
    /** Guessing from one address at one account: the tight limit, which locks no one else out. */
    LOGIN_PAIR("login:pair"),
    LOGIN_ADDRESS("login:address"),
    SIGNUP_ADDRESS("signup:address");

    private final String key;

    Bucket(String key) {
      this.key = key;
    }
  }

  private final Redis redis;
  private final RateLimitConfig config;

  public RateLimiter(Redis redis, RateLimitConfig config) {
    this.redis = redis;
    this.config = config;
  }

  /** Counts one attempt; fails with 429 {@code rate_limited} and a Retry-After when over the bucket's limit. */
  public Future<Void> hit(Bucket bucket, String subject) {
    int limit = switch (bucket) {
      case LOGIN_ACCOUNT -> config.loginPerAccount();
      case LOGIN_PAIR -> config.loginPerAccountAndAddress();
      case LOGIN_ADDRESS -> config.loginPerAddress();
      case SIGNUP_ADDRESS -> config.signupPerAddress();
    };
    Request eval = Request.cmd(Command.EVAL).arg(SCRIPT).arg(1).arg(key(bucket, subject))
        .arg(config.windowSeconds()).arg(limit).arg(config.maxBackoffSeconds());
    return redis.send(eval).compose(r -> verdict(bucket, r));
  }

  /**
   * Counts one attempt in a feature's own bucket (e.g. {@code media:create}) with its own limit per window; the same
   * counting, backoff and 429 as {@link #hit(Bucket, String)}.
   */
  public Future<Void> hit(String bucket, String subject, int limit) {
    Request eval = Request.cmd(Command.EVAL).arg(SCRIPT).arg(1).arg(KEY_PREFIX + bucket + ":" + subject)
        .arg(config.windowSeconds()).arg(limit).arg(config.maxBackoffSeconds());
    return redis.send(eval).compose(r -> {
      long wait = r.get(1).toLong();
      return wait > 0 ? Future.failedFuture(Refusal.rateLimited(wait, "too many " + bucket.replace(':', ' ')
          + " requests; retry after " + wait + " s")) : Future.<Void>succeededFuture();
    });
  }

  /**
   * Counts one login attempt for {@code account} from {@code address} and fails with 429 when any applicable limit
   * is exceeded: per address (one address guessing many accounts), per (account, address) pair (one address
   * guessing one account) and, only for an address that has never logged in to the account, a much higher
   * per-account ceiling (many addresses guessing one account). Because the ceiling never applies to an address
   * the owner has used, failed guesses from elsewhere cannot lock the owner out.
   */
  public Future<Void> login(String account, String address) {
    return hit(Bucket.LOGIN_ADDRESS, address)
        .compose(v -> hit(Bucket.LOGIN_PAIR, pair(account, address)))
        .compose(v -> redis.send(Request.cmd(Command.EXISTS).arg(knownKey(account, address))))
        .compose(known -> known.toInteger() == 1 ? Future.succeededFuture() : hit(Bucket.LOGIN_ACCOUNT, account));
  }

  /** After a good password: the pair's failures are forgotten and the address is known to the account. */
  public Future<Void> loginSucceeded(String account, String address) {
    long ttl = Math.multiplyExact(config.knownAddressDays(), 86_400L);
    return clear(Bucket.LOGIN_PAIR, pair(account, address))
        .compose(v -> redis.send(Request.cmd(Command.SET).arg(knownKey(account, address)).arg("1").arg("EX").arg(ttl)))
        .mapEmpty();
  }

  private static String pair(String account, String address) {
    return account + "|" + address;
  }

  public static String knownKey(String account, String address) {
    return KEY_PREFIX + "login:known:" + pair(account, address);
  }

  /** Forgets the attempts of {@code subject}. */
  public Future<Void> clear(Bucket bucket, String subject) {
    return redis.send(Request.cmd(Command.DEL).arg(key(bucket, subject))).mapEmpty();
  }

  public static String key(Bucket bucket, String subject) {
    return KEY_PREFIX + bucket.key + ":" + subject;
  }

  private static Future<Void> verdict(Bucket bucket, Response reply) {
    long wait = reply.get(1).toLong();
    if (wait > 0) {
      return Future.failedFuture(Refusal.rateLimited(wait, "too many " + bucket.key.replace(':', ' ')
          + " attempts; retry after " + wait + " s"));
    }
    return Future.succeededFuture();
  }
}
