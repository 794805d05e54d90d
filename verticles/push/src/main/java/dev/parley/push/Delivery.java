package dev.parley.push;

import io.vertx.core.Future;

/** Handles one job's push; true when a push was accepted by SNS. Never fails. ({@link PushPipeline} is the real one.) */
public interface Delivery {
  Future<Boolean> deliver(NotificationJob job);
}
