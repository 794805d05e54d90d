package dev.parley.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.UUID;

/**
 * One stored session (a user on one device of this machine): where the server is, who is signed in and the
 * tokens. {@code accessToken} null means logged out; the device id stays so the next login signs the same device
 * in again instead of adding one.
 */
public record Profile(String server, List<String> gateways, String username, UUID userId, UUID deviceId,
                      String accessToken, long accessTokenExpiresAt, String refreshToken, boolean e2ee) {

  public boolean loggedIn() {
    return accessToken != null && refreshToken != null;
  }

  public Profile withTokens(String access, long expiresAt, String refresh) {
    return new Profile(server, gateways, username, userId, deviceId, access, expiresAt, refresh, e2ee);
  }

  public Profile loggedOut() {
    return new Profile(server, gateways, username, userId, deviceId, null, 0, null, e2ee);
  }

  JsonObject toJson() {
    return new JsonObject().put("server", server).put("gateways", new JsonArray(List.copyOf(gateways)))
        .put("username", username).put("userId", str(userId)).put("deviceId", str(deviceId))
        .put("accessToken", accessToken).put("accessTokenExpiresAt", accessTokenExpiresAt)
        .put("refreshToken", refreshToken).put("e2ee", e2ee);
  }

  static Profile fromJson(JsonObject j) {
    List<String> gateways = j.getJsonArray("gateways", new JsonArray()).stream().map(String::valueOf).toList();
    return new Profile(j.getString("server"), gateways, j.getString("username"), uuid(j.getString("userId")),
        uuid(j.getString("deviceId")), j.getString("accessToken"), j.getLong("accessTokenExpiresAt", 0L),
        j.getString("refreshToken"), j.getBoolean("e2ee", true));
  }

  private static String str(UUID id) {
    return id == null ? null : id.toString();
  }

  private static UUID uuid(String s) {
    return s == null ? null : UUID.fromString(s);
  }
}
