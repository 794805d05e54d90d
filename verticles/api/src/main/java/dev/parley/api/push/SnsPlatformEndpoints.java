package dev.parley.api.push;

import dev.parley.shared.Refusal;
import dev.parley.shared.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.NotFoundException;

import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * {@link PlatformEndpoints} over the SNS async client, following the SNS guide's registration pattern: create, read
 * the attributes, and set token + Enabled=true when they differ. SDK futures are bridged back onto the caller's
 * Vert.x context, so nothing blocks an event loop and continuations run where the request runs.
 */
public final class SnsPlatformEndpoints implements PlatformEndpoints {
  private final Vertx vertx;
  private final SnsAsyncClient sns;

  public SnsPlatformEndpoints(Vertx vertx, SnsAsyncClient sns) {
    this.vertx = vertx;
    this.sns = sns;
  }

  @Override
  public Future<String> create(String applicationArn, String token) {
    return call(() -> sns.createPlatformEndpoint(r -> r.platformApplicationArn(applicationArn).token(token)))
        .map(r -> r.endpointArn())
        .compose(arn -> call(() -> sns.getEndpointAttributes(r -> r.endpointArn(arn))).compose(a -> {
          Map<String, String> attrs = a.attributes();
          return token.equals(attrs.get("Token")) && "true".equals(attrs.get("Enabled")) ? Future.succeededFuture(arn)
              : update(arn, token).map(arn);
        }));
  }

  @Override
  public Future<Boolean> update(String endpointArn, String token) {
    return call(() -> sns.setEndpointAttributes(r -> r.endpointArn(endpointArn)
        .attributes(Map.of("Token", token, "Enabled", "true"))))
        .map(true)
        .recover(err -> err instanceof NotFoundException ? Future.succeededFuture(false) : Future.failedFuture(err));
  }

  @Override
  public Future<Void> delete(String endpointArn) {
    return call(() -> sns.deleteEndpoint(r -> r.endpointArn(endpointArn))).mapEmpty();
  }

  private <T> Future<T> call(java.util.function.Supplier<java.util.concurrent.CompletableFuture<T>> call) {
    return dev.parley.shared.push.SdkCalls.call(vertx, call).recover(err -> {
      Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
      if (cause instanceof NotFoundException) {
        return Future.failedFuture(cause);
      }
      if (cause instanceof InvalidParameterException) {
        // SNS refused the token itself (beyond our shape check): the client must fix it, retrying will not help.
        return Future.failedFuture(new Refusal(ErrorCode.INVALID_PUSH_TOKEN, "token",
            "the push service refused this token: " + cause.getMessage()));
      }
      return Future.failedFuture(Refusal.of(ErrorCode.PUSH_UNAVAILABLE,
          "the push service did not accept the registration now; retry"));
    });
  }
}
