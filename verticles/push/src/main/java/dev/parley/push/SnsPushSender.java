package dev.parley.push;

import io.vertx.core.Future;
import dev.parley.shared.push.SdkCalls;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sns.model.EndpointDisabledException;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sns.model.PublishRequest;
import software.amazon.awssdk.services.sns.model.SnsException;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * {@link PushSender} over the SNS async client: {@code Publish} with {@code TargetArn} and
 * {@code MessageStructure=json}. Throttling ({@code Throttled}, 429), server errors (5xx) and transport failures are
 * retried with {@link Backoff} up to {@code maxAttempts} attempts in all, on Vert.x timers (never blocking).
 * {@code EndpointDisabled}, and a {@code NotFound}/{@code InvalidParameter} naming the target, mean the endpoint is
 * dead. The call starts on a worker thread ({@link SdkCalls}); its outcome is handled on the verticle's context.
 */
public final class SnsPushSender implements PushSender {
  private static final Logger LOG = LoggerFactory.getLogger(SnsPushSender.class);

  private final Vertx vertx;
  private final SnsAsyncClient sns;
  private final Backoff backoff;
  private final int maxAttempts;
  private final PushMeters meters;

  public SnsPushSender(Vertx vertx, SnsAsyncClient sns, Backoff backoff, int maxAttempts, PushMeters meters) {
    this.vertx = vertx;
    this.sns = sns;
    this.backoff = backoff;
    this.maxAttempts = maxAttempts;
    this.meters = meters;
  }

  @Override
  public Future<Outcome> publish(String endpointArn, PushMessage message) {
    Map<String, MessageAttributeValue> attributes = new HashMap<>();
    message.attributes().forEach((k, v) -> attributes.put(k,
        MessageAttributeValue.builder().dataType("String").stringValue(v).build()));
    PublishRequest request = PublishRequest.builder().targetArn(endpointArn).messageStructure("json")
        .message(message.message()).messageAttributes(attributes).build();
    return attempt(request, 1);
  }

  private Future<Outcome> attempt(PublishRequest request, int attempt) {
    long started = System.nanoTime();
    return SdkCalls.call(vertx, () -> sns.publish(request))
        .map(r -> {
          meters.publishLatency(System.nanoTime() - started);
          return Outcome.PUBLISHED;
        })
        .recover(err -> {
          Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
          if (deadEndpoint(cause)) {
            return Future.succeededFuture(Outcome.ENDPOINT_DISABLED);
          }
          if (!retryable(cause) || attempt >= maxAttempts) {
            LOG.warn("publish to {} given up after {} attempt(s): {}", request.targetArn(), attempt, cause.toString());
            return Future.succeededFuture(Outcome.GAVE_UP);
          }
          meters.retried();
          long delay = backoff.delayMs(attempt);
          return Future.<Void>future(p -> vertx.setTimer(delay, t -> p.complete()))
              .compose(v -> attempt(request, attempt + 1));
        });
  }

  private static boolean deadEndpoint(Throwable e) {
    return e instanceof EndpointDisabledException || e instanceof NotFoundException
        || (e instanceof InvalidParameterException && String.valueOf(e.getMessage()).contains("TargetArn"));
  }

  /** Throttling, 5xx and transport failures are worth another try; any other 4xx will not change. */
  private static boolean retryable(Throwable e) {
    if (e instanceof SnsException s) {
      return s.isThrottlingException() || s.statusCode() >= 500;
    }
    return e instanceof SdkClientException;
  }
}
