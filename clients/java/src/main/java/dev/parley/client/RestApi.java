package dev.parley.client;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The REST calls the client needs: login, and history pages (docs/protocol.md, "History"). */
public final class RestApi {
  static final int PAGE = 500;

  /** What login returns. */
  public record Credentials(UUID userId, UUID deviceId, String accessToken, String refreshToken) {
  }

  private final WebClient web;
  private final String baseUrl;

  public RestApi(WebClient web, String baseUrl) {
    this.web = web;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
  }

  /** {@code POST /v1/auth/signup}: creates the account; answers its user id. */
  public Future<UUID> signup(String username, String password, String displayName) {
    JsonObject body = new JsonObject().put("username", username).put("password", password)
        .put("displayName", displayName);
    return web.postAbs(baseUrl + "/v1/auth/signup").sendJsonObject(body).compose(r -> ok(r, "signup"))
        .map(r -> UUID.fromString(r.bodyAsJsonObject().getString("userId")));
  }

  /** {@code POST /v1/channels/dm}: the one-on-one channel with {@code peer} (created on first use). */
  public Future<UUID> directChannel(String accessToken, UUID peer) {
    return web.postAbs(baseUrl + "/v1/channels/dm").bearerTokenAuthentication(accessToken)
        .sendJsonObject(new JsonObject().put("userId", peer.toString())).compose(r -> ok(r, "dm"))
        .map(r -> UUID.fromString(r.bodyAsJsonObject().getString("channelId")));
  }

  /** {@code POST /v1/channels}: a new group with the caller as admin; answers its channel id. */
  public Future<UUID> createGroup(String accessToken, String name, List<UUID> memberIds) {
    JsonArray ids = new JsonArray();
    memberIds.forEach(id -> ids.add(id.toString()));
    return web.postAbs(baseUrl + "/v1/channels").bearerTokenAuthentication(accessToken)
        .sendJsonObject(new JsonObject().put("name", name).put("memberIds", ids)).compose(r -> ok(r, "create group"))
        .map(r -> UUID.fromString(r.bodyAsJsonObject().getString("channelId")));
  }

  /** {@code POST /v1/channels/{id}/members}: adds {@code userId} to a group. */
  public Future<Void> addMember(String accessToken, UUID channelId, UUID userId) {
    return web.postAbs(baseUrl + "/v1/channels/" + channelId + "/members").bearerTokenAuthentication(accessToken)
        .sendJsonObject(new JsonObject().put("userId", userId.toString())).compose(r -> ok(r, "add member"))
        .mapEmpty();
  }

  /** {@code DELETE /v1/channels/{id}/members/{userId}}: removes a member (or leaves, for oneself). */
  public Future<Void> removeMember(String accessToken, UUID channelId, UUID userId) {
    return web.deleteAbs(baseUrl + "/v1/channels/" + channelId + "/members/" + userId)
        .bearerTokenAuthentication(accessToken).send().compose(r -> ok(r, "remove member")).mapEmpty();
  }

  /** {@code POST /v1/auth/login}; {@code deviceId} null registers a new device. */
  public Future<Credentials> login(String username, String password, String deviceName, UUID deviceId) {
    JsonObject body = new JsonObject().put("username", username).put("password", password).put("deviceName", deviceName);
    if (deviceId != null) {
      body.put("deviceId", deviceId.toString());
    }
    return web.postAbs(baseUrl + "/v1/auth/login").sendJsonObject(body).compose(r -> ok(r, "login")).map(r -> {
      JsonObject j = r.bodyAsJsonObject();
      return new Credentials(UUID.fromString(j.getString("userId")), UUID.fromString(j.getString("deviceId")),
          j.getString("accessToken"), j.getString("refreshToken"));
    });
  }

  /** {@code POST /v1/auth/refresh}: a new token pair; the presented refresh token is used up (rotation). */
  public Future<Credentials> refresh(String refreshToken) {
    return web.postAbs(baseUrl + "/v1/auth/refresh").sendJsonObject(new JsonObject().put("refreshToken", refreshToken))
        .compose(r -> ok(r, "refresh")).map(r -> {
          JsonObject j = r.bodyAsJsonObject();
          return new Credentials(UUID.fromString(j.getString("userId")), UUID.fromString(j.getString("deviceId")),
              j.getString("accessToken"), j.getString("refreshToken"));
        });
  }

  /**
   * A source of fresh access tokens for {@link ParleyClient#refreshTokensWith}: each call rotates the refresh token
   * (starting from {@code refreshToken}) and returns the new access token.
   */
  public java.util.function.Supplier<Future<String>> refresher(String refreshToken) {
    java.util.concurrent.atomic.AtomicReference<String> current = new java.util.concurrent.atomic.AtomicReference<>(refreshToken);
    return () -> refresh(current.get()).map(c -> {
      current.set(c.refreshToken());
      return c.accessToken();
    });
  }

  /**
   * {@code GET /v1/gateway}: the WebSocket URL service discovery assigns this device now. {@code previousNodeId}
   * (may be null) is the gateway the device was last on; discovery keeps it while it is healthy.
   */
  public Future<String> gateway(String accessToken, String previousNodeId) {
    String url = baseUrl + "/v1/gateway" + (previousNodeId == null ? "" : "?previousNodeId=" + previousNodeId);
    return web.getAbs(url).bearerTokenAuthentication(accessToken).send().compose(r -> ok(r, "gateway"))
        .map(r -> r.bodyAsJsonObject().getString("url"));
  }

  /**
   * The channel's latest message (its seq and hash are where a device starts {@link ParleyClient#track tracking}
   * a channel without reading its whole history), or null when the channel has none.
   */
  public Future<Message> latest(String accessToken, UUID channelId) {
    String url = baseUrl + "/v1/channels/" + channelId + "/messages?limit=1";
    return web.getAbs(url).bearerTokenAuthentication(accessToken).send().compose(r -> ok(r, "history")).map(r -> {
      JsonArray messages = r.bodyAsJsonObject().getJsonArray("messages");
      return messages == null || messages.isEmpty() ? null : Message.fromJson(messages.getJsonObject(messages.size() - 1));
    });
  }

  /** All messages with {@code after < seq < before} (before 0: up to the newest), page by page. */
  public Future<List<Message>> history(String accessToken, UUID channelId, long after, long before) {
    return page(accessToken, channelId, after, before, new ArrayList<>());
  }

  private Future<List<Message>> page(String token, UUID channelId, long after, long before, List<Message> acc) {
    String url = baseUrl + "/v1/channels/" + channelId + "/messages?limit=" + PAGE + "&after=" + after
        + (before > 0 ? "&before=" + before : "");
    return web.getAbs(url).bearerTokenAuthentication(token).send().compose(r -> ok(r, "history")).compose(r -> {
      JsonObject j = r.bodyAsJsonObject();
      JsonArray messages = j.getJsonArray("messages");
      long last = after;
      for (int i = 0; i < messages.size(); i++) {
        Message m = Message.fromJson(messages.getJsonObject(i));
        acc.add(m);
        last = m.seq();
      }
      boolean more = j.getBoolean("hasMore", false) && last > after;
      return more ? page(token, channelId, last, before, acc) : Future.succeededFuture(acc);
    });
  }

  private static Future<HttpResponse<Buffer>> ok(HttpResponse<Buffer> r, String what) {
    if (r.statusCode() / 100 == 2) {
      return Future.succeededFuture(r);
    }
    return Future.failedFuture(new IllegalStateException(what + " failed with HTTP " + r.statusCode() + ": "
        + r.bodyAsString()));
  }
}
