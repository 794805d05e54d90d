package dev.parley.api.accounts;

import dev.parley.api.http.BearerAuth;
import dev.parley.api.realtime.RealtimeApi;
import dev.parley.api.http.JsonBody;
import dev.parley.api.http.Replies;
import dev.parley.api.ratelimit.RateLimiter;
import dev.parley.api.ratelimit.RateLimiter.Bucket;
import dev.parley.api.tokens.TokenService;
import dev.parley.shared.auth.AccessClaims;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;
import java.util.UUID;

/**
 * {@code /v1/auth/*} (signup, login, refresh, logout), {@code /v1/me} and user look-up. Signup and login are rate
 * limited per client address and login also per (account, address) and per account (see
 * {@link RateLimiter#login}), before any password hashing happens, so the expensive hash cannot be used to exhaust
 * the node.
 */
public final class AccountRoutes {
  private final AccountService accounts;
  private final TokenService tokens;
  private final RateLimiter limiter;
  private final BearerAuth auth;
  /** Null where discovery and presence are not wired (route-only tests): logins then carry no gateway. */
  private final RealtimeApi realtime;
  private final dev.parley.api.push.PushRegistrations push;

  public AccountRoutes(AccountService accounts, TokenService tokens, RateLimiter limiter, BearerAuth auth,
                       RealtimeApi realtime, dev.parley.api.push.PushRegistrations push) {
    this.push = push;
    this.accounts = accounts;
    this.tokens = tokens;
    this.limiter = limiter;
    this.auth = auth;
    this.realtime = realtime;
  }

  public void mount(Router router) {
    router.post("/v1/auth/signup").handler(this::signup);
    router.post("/v1/auth/login").handler(this::login);
    router.post("/v1/auth/refresh").handler(this::refresh);
    router.post("/v1/auth/logout").handler(auth).handler(this::logout);
    router.get("/v1/me").handler(auth).handler(this::me);
    router.patch("/v1/me").handler(auth).handler(this::changeMe);
    router.get("/v1/users/by-username/:username").handler(auth).handler(this::byUsername);
  }

  private void signup(RoutingContext ctx) {
    JsonBody body = JsonBody.read(ctx, "username", "password", "displayName");
    String username = CredentialRules.username(body.string("username"));
    String password = body.string("password");
    CredentialRules.password(password, username);
    String displayName = CredentialRules.name("displayName", body.string("displayName"));
    Replies.json(ctx, 201, limiter.hit(Bucket.SIGNUP_ADDRESS, clientAddress(ctx))
        .compose(v -> accounts.signup(username, password, displayName)));
  }

  private void login(RoutingContext ctx) {
    JsonBody body = JsonBody.read(ctx, "username", "password", "deviceName", "deviceId");
    String username = body.string("username");
    String password = body.string("password");
    String deviceName = CredentialRules.name("deviceName", body.string("deviceName"));
    UUID deviceId = body.optionalUuid("deviceId");
    // Case-folded and bounded, so "Alice" and "alice" share one budget and junk cannot bloat Redis keys.
    String account = username.toLowerCase(Locale.ROOT).substring(0, Math.min(64, username.length()));
    String address = clientAddress(ctx);
    Replies.json(ctx, 200, limiter.login(account, address)
        .compose(v -> accounts.authenticate(username, password))
        .compose(userId -> tokens.login(userId, deviceName, deviceId))
        .compose(pair -> limiter.loginSucceeded(account, address).map(pair))
        .compose(this::withGateway));
  }

  /** Adds the gateway the device should connect to (service discovery), when discovery answers. */
  private Future<JsonObject> withGateway(JsonObject pair) {
    if (realtime == null) {
      return Future.succeededFuture(pair);
    }
    return realtime.gateways().assignOrNull(UUID.fromString(pair.getString("userId")), UUID.fromString(pair.getString("deviceId")))
        .map(gateway -> gateway == null ? pair : pair.put("gateway", gateway));
  }

  private void refresh(RoutingContext ctx) {
    JsonBody body = JsonBody.read(ctx, "refreshToken");
    Replies.json(ctx, 200, tokens.refresh(body.string("refreshToken")));
  }

  private void logout(RoutingContext ctx) {
    AccessClaims caller = BearerAuth.caller(ctx);
    // A logged-out device gets no more pushes: its endpoint goes with its session.
    Replies.noContent(ctx, tokens.logout(caller)
        .onSuccess(v -> realtime.presence().loggedOut(caller.userId(), caller.deviceId())).compose(v -> push.forgetQuietly(caller.deviceId())));
  }

  private void me(RoutingContext ctx) {
    Replies.json(ctx, 200, accounts.profile(BearerAuth.caller(ctx).userId()));
  }

  private void changeMe(RoutingContext ctx) {
    JsonBody body = JsonBody.read(ctx, "displayName");
    String displayName = CredentialRules.name("displayName", body.string("displayName"));
    Replies.json(ctx, 200, accounts.changeDisplayName(BearerAuth.caller(ctx).userId(), displayName));
  }

  private void byUsername(RoutingContext ctx) {
    Replies.json(ctx, 200, accounts.byUsername(ctx.pathParam("username")));
  }

  /** The client's address for rate limits: the TCP peer, or behind a trusted proxy the forwarded one. */
  private static String clientAddress(RoutingContext ctx) {
    return dev.parley.api.http.ClientAddress.of(ctx);
  }
}
