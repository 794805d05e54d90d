package dev.parley.push;

import io.vertx.core.Future;

/** Publishes one push to one platform endpoint; never fails its Future, the outcome says what happened. */
public interface PushSender {
  enum Outcome {
    /** Accepted by SNS. */
    PUBLISHED,
    /** SNS says the endpoint is disabled or gone: the token is dead, stop sending to it. */
    ENDPOINT_DISABLED,
    /** Still failing after the bounded retries (or refused for good): given up, best effort. */
    GAVE_UP
  }

  Future<Outcome> publish(String endpointArn, PushMessage message);
}
