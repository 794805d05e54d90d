package dev.parley.api.media;

import dev.parley.api.http.BearerAuth;
import dev.parley.api.media.storage.MediaStorage;
import dev.parley.api.ratelimit.RateLimiter;
import dev.parley.shared.config.MediaConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

import java.time.Clock;

/** The attachment feature's object graph: routes, the sweeper, and the storage they share. */
public record MediaApi(MediaService service, UploadAppender appender, MediaSweeper sweeper, MediaStorage storage) {

  public static MediaApi create(Vertx vertx, MediaConfig config, Pool pg, MediaStorage storage, RateLimiter limiter,
                                Clock clock) {
    MediaStore store = new MediaStore(pg);
    MediaService service = new MediaService(store, storage, limiter, config, clock);
    UploadAppender appender = new UploadAppender(vertx, store, storage, clock,
        config.uploadIdleTimeoutSeconds() * 1000L);
    return new MediaApi(service, appender, new MediaSweeper(vertx, store, service, config, clock), storage);
  }

  /** The routes of this feature. */
  public MediaRoutes routes(BearerAuth auth) {
    return new MediaRoutes(service, appender, auth);
  }

  public Future<Void> close() {
    sweeper.stop();
    return storage.close();
  }
}
