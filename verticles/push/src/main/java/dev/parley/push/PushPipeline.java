package dev.parley.push;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.UUID;
import java.util.function.Function;

/**
 * Decides and sends the push of one job: none when the device has no live endpoint, has a live session, muted the
 * channel, or its user already read up to the job's seq on another device; otherwise one publish. Each attempt (lookups and publish
 * with its retries) runs within the node's concurrency limit, carrying the channel's unread count as it is now. A dead endpoint disables the registration.
 * Lookups that fail (PostgreSQL or Redis unreachable) are retried with backoff and then given up.
 */
public final class PushPipeline implements Delivery {
  private static final Logger LOG = LoggerFactory.getLogger(PushPipeline.class);

  private final Vertx vertx;
  private final EndpointDirectory endpoints;
  private final RecipientState recipients;
  private final Function<UUID, Future<String>> senderNames;
  private final PushPayloads payloads;
  private final PushSender sender;
  private final PublishLimiter limiter;
  private final Backoff backoff;
  private final int maxAttempts;
  private final PushMeters meters;
  private final Clock clock;

  /** @param senderNames the display name of a user, or a Future of null when names are not shown (the default) */
  public PushPipeline(Vertx vertx, EndpointDirectory endpoints, RecipientState recipients,
                      Function<UUID, Future<String>> senderNames, PushPayloads payloads, PushSender sender,
                      PublishLimiter limiter, Backoff backoff, int maxAttempts, PushMeters meters, Clock clock) {
    this.vertx = vertx;
    this.endpoints = endpoints;
    this.recipients = recipients;
    this.senderNames = senderNames;
    this.payloads = payloads;
    this.sender = sender;
    this.limiter = limiter;
    this.backoff = backoff;
    this.maxAttempts = maxAttempts;
    this.meters = meters;
    this.clock = clock;
  }

  @Override
  public Future<Boolean> deliver(NotificationJob job) {
    return deliver(job, 1);
  }

  private Future<Boolean> deliver(NotificationJob job, int attempt) {
    // The limit covers the lookups too: an unbounded burst of them would queue past the database pool's wait limit.
    return limiter.run(() -> attempt(job)).recover(err -> {
      if (attempt >= maxAttempts) {
        LOG.warn("device {} channel {} seq {}: push given up, lookups failed: {}", job.deviceId(), job.channelId(),
            job.seq(), err.toString());
        meters.dropped("error");
        return Future.succeededFuture(false);
      }
      long delay = backoff.delayMs(attempt);
      return Future.<Void>future(p -> vertx.setTimer(delay, t -> p.complete()))
          .compose(x -> deliver(job, attempt + 1));
    });
  }

  private Future<Boolean> attempt(NotificationJob job) {
    Future<EndpointDirectory.Endpoint> endpoint = endpoints.endpoint(job.deviceId());
    Future<Boolean> online = recipients.online(job.deviceId());
    Future<RecipientState.ChannelView> channel = recipients.channel(job.channelId(), job.userId());
    Future<String> name = job.senderId() == null ? Future.succeededFuture() : senderNames.apply(job.senderId());
    return Future.all(endpoint, online, channel, name)
        .compose(v -> decide(job, endpoint.result(), online.result(), channel.result(), name.result()));
  }

  private Future<Boolean> decide(NotificationJob job, EndpointDirectory.Endpoint endpoint, boolean online,
                                 RecipientState.ChannelView channel, String senderName) {
    String skip = endpoint == null ? "no_endpoint" : online ? "online" : channel.muted() ? "muted"
        : channel.readSeq() >= job.seq() ? "read" : null;
    if (skip != null) {
      meters.dropped(skip);
      return Future.succeededFuture(false);
    }
    PushMessage message = payloads.build(endpoint.platform(), job, channel.unread(), senderName);
    return sender.publish(endpoint.arn(), message).compose(outcome -> switch (outcome) {
      case PUBLISHED -> {
        meters.published(job.ts(), clock.millis());
        yield Future.succeededFuture(true);
      }
      case ENDPOINT_DISABLED -> {
        meters.disabled();
        LOG.info("device {}: SNS endpoint {} is disabled; registration marked disabled", job.deviceId(), endpoint.arn());
        yield endpoints.disable(endpoint, "EndpointDisabled").map(false);
      }
      case GAVE_UP -> {
        meters.dropped("failed");
        yield Future.succeededFuture(false);
      }
    });
  }
}
