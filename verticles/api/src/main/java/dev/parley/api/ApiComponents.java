package dev.parley.api;

import dev.parley.api.accounts.AccountService;
import dev.parley.api.accounts.PasswordHasher;
import dev.parley.api.channels.BlockService;
import dev.parley.api.channels.ChannelService;
import dev.parley.api.channels.MembershipEvents;
import dev.parley.api.channels.MembershipService;
import dev.parley.api.devices.DeviceService;
import dev.parley.api.history.HistoryService;
import dev.parley.api.http.BearerAuth;
import dev.parley.api.ratelimit.RateLimiter;
import dev.parley.api.tokens.RefreshTokens;
import dev.parley.api.tokens.TokenService;
import dev.parley.shared.auth.AccessTokens;
import dev.parley.shared.auth.JwtKeys;
import dev.parley.shared.auth.RevokedDevices;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.stores.messages.MessageReads;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

/**
 * The api role's object graph, built in one place by constructor injection. Route classes receive only what they
 * use.
 */
public record ApiComponents(AccountService accounts, TokenService tokens, DeviceService devices,
                            ChannelService channels, MembershipService memberships, BlockService blocks,
                            RateLimiter rateLimiter, BearerAuth bearerAuth, MeterRegistry metrics, int maxBodyBytes,
                            int maxChannelMembers, dev.parley.api.chats.ChatApi chats,
                            dev.parley.api.realtime.RealtimeApi realtime, HistoryService history,
                            dev.parley.api.keys.KeyDirectoryService keys,
                            dev.parley.api.push.PushRegistrations push,
                            dev.parley.api.media.MediaApi media,
                            dev.parley.api.mls.MlsDeliveryService mls) {

  /** Name of the worker pool that runs Argon2; shared by the api verticles of one Vert.x instance. */
  public static final String HASHING_POOL = "parley-password-hashing";

  /** @param sns the SNS client of push registration; a platform without an application ARN is refused (422) */
  public static ApiComponents create(Vertx vertx, ParleyConfig config, Pool pg, Redis redis, JwtKeys keys,
                                     WorkerExecutor hashingPool, MeterRegistry metrics, Clock clock,
                                     MessageReads messages, software.amazon.awssdk.services.sns.SnsAsyncClient sns,
                                     dev.parley.api.media.storage.MediaStorage mediaStorage) {
    ParleyConfig.AuthConfig auth = config.auth();
    ParleyConfig.ApiConfig api = config.api();
    SecureRandom random = new SecureRandom();
    AccessTokens accessTokens = new AccessTokens(vertx, keys, auth.issuer(), auth.audience(),
        auth.accessTokenTtlSeconds(), auth.clockSkewSeconds(), clock);
    RevokedDevices revoked = new RevokedDevices(redis, pg, vertx.eventBus(), auth.accessTokenTtlSeconds(), clock);
    PasswordHasher hasher = new PasswordHasher(hashingPool, auth.passwordHashing(), random, metrics);
    MembershipEvents events = new MembershipEvents(vertx.eventBus());
    MembershipService memberships = new MembershipService(pg, events, api.maxChannelMembers(), clock);
    RateLimiter rateLimiter = new RateLimiter(redis, api.rateLimit());
    dev.parley.api.mls.LowStockNotices lowStock = new dev.parley.api.mls.LowStockNotices(pg,
        new dev.parley.chatstate.LiveFrames(vertx.eventBus(), new dev.parley.shared.session.SessionDirectory(redis)),
        config.mls().lowStockThreshold(), clock);
    return new ApiComponents(
        new AccountService(pg, hasher, clock),
        new TokenService(pg, accessTokens, revoked, new RefreshTokens(random), auth.maxDevicesPerUser(),
            Duration.ofDays(auth.refreshTokenTtlDays()), clock),
        new DeviceService(pg, revoked, clock),
        new ChannelService(pg, events, api.maxChannelMembers(), clock),
        memberships,
        new BlockService(pg, clock),
        rateLimiter,
        new BearerAuth(accessTokens, revoked), metrics,
        api.maxBodyBytes(), api.maxChannelMembers(), dev.parley.api.chats.ChatApi.create(vertx, config, pg, redis),
        dev.parley.api.realtime.RealtimeApi.create(vertx, config, pg), new HistoryService(memberships, messages),
        new dev.parley.api.keys.KeyDirectoryService(vertx, pg, clock, lowStock::claimed),
        new dev.parley.api.push.PushRegistrations(pg,
            new dev.parley.api.push.SnsPlatformEndpoints(vertx, sns), p -> p.applicationArn(config.push()), clock),
        dev.parley.api.media.MediaApi.create(vertx, config.media(), pg, mediaStorage, rateLimiter, clock),
        new dev.parley.api.mls.MlsDeliveryService(pg, memberships));
  }
}
