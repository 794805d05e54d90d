package dev.parley.message;

import dev.parley.shared.auth.AccessTokens;
import dev.parley.shared.auth.JwtKeys;
import dev.parley.shared.auth.RevokedDevices;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.deps.DependencyClients;
import dev.parley.shared.membership.Memberships;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Clock;

/** Builds the history routes from a node's config and clients (for whichever verticle serves REST). */
public final class HistoryServer {
  private HistoryServer() {
  }

  /** History routes ready to {@link HistoryRoutes#mount mount}: statements prepared, token keys loaded. */
  public static Future<HistoryRoutes> routes(Vertx vertx, ParleyConfig config, DependencyClients clients) {
    MessageStore store = new MessageStore(clients.cassandra(), config.cassandra().keyspace(),
        config.message().bucketSize());
    Memberships memberships = new Memberships(clients.pg(), config.gateway().membershipCacheSeconds() * 1_000L,
        System::currentTimeMillis);
    return store.prepare()
        .compose(v -> memberships.listen(vertx))
        .compose(v -> JwtKeys.load(vertx, config.auth().keysDir(), "", false))
        .map(keys -> new HistoryRoutes(new AccessTokens(vertx, keys, config.auth().issuer(), config.auth().audience(),
            config.auth().accessTokenTtlSeconds(), config.auth().clockSkewSeconds(), Clock.systemUTC()),
            new RevokedDevices(clients.redis(), vertx.eventBus(), config.auth().accessTokenTtlSeconds()),
            memberships, store));
  }
}
