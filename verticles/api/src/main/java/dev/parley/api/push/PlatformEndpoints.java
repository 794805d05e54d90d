package dev.parley.api.push;

import io.vertx.core.Future;

/** The SNS platform-endpoint calls registration needs; {@link SnsPlatformEndpoints} is the real one. */
public interface PlatformEndpoints {
  /**
   * An enabled endpoint for {@code token} under the platform application: CreatePlatformEndpoint (which returns the
   * existing endpoint for a known token), then re-enabled with the token if SNS had it disabled.
   */
  Future<String> create(String applicationArn, String token);

  /** Sets the endpoint's token and re-enables it; false when the endpoint no longer exists. */
  Future<Boolean> update(String endpointArn, String token);

  /** Deletes the endpoint (idempotent). */
  Future<Void> delete(String endpointArn);
}
