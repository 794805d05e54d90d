package dev.parley.client.e2ee;

import dev.parley.mls.DeviceKeyLog;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The key directory's REST calls (docs/api.md, docs/e2ee.md). Binary values travel as standard base64. */
public final class KeyDirectoryApi {

  /** A package handed out by a claim. */
  public record ClaimedKeyPackage(UUID deviceId, byte[] keyPackage, boolean lastResort) {
  }

  /** The device's stock after an upload. */
  public record Stock(long oneTime, boolean lastResort) {
  }

  private final WebClient web;
  private final String baseUrl;

  public KeyDirectoryApi(WebClient web, String baseUrl) {
    this.web = web;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
  }

  /** {@code PUT /v1/keys/signature-key}: binds the calling device to {@code signatureKey} (once). */
  public Future<Void> registerSignatureKey(String accessToken, byte[] signatureKey) {
    return web.putAbs(baseUrl + "/v1/keys/signature-key").bearerTokenAuthentication(accessToken)
        .sendJsonObject(new JsonObject().put("signatureKey", b64(signatureKey)))
        .compose(r -> ok(r, "register signature key")).mapEmpty();
  }

  /** {@code POST /v1/keys/key-packages}: publishes one-time packages and, if not null, a new last-resort one. */
  public Future<Stock> uploadKeyPackages(String accessToken, List<byte[]> oneTime, byte[] lastResort) {
    JsonArray packages = new JsonArray();
    oneTime.forEach(p -> packages.add(b64(p)));
    JsonObject body = new JsonObject().put("oneTime", packages);
    if (lastResort != null) {
      body.put("lastResort", b64(lastResort));
    }
    return web.postAbs(baseUrl + "/v1/keys/key-packages").bearerTokenAuthentication(accessToken)
        .sendJsonObject(body).compose(r -> ok(r, "upload key packages"))
        .map(r -> new Stock(r.bodyAsJsonObject().getLong("oneTimeStock"), r.bodyAsJsonObject().getBoolean("lastResort")));
  }

  /** {@code POST /v1/users/{userId}/key-packages/claim}: one package per keyed device of {@code userId}. */
  public Future<List<ClaimedKeyPackage>> claim(String accessToken, UUID userId) {
    return web.postAbs(baseUrl + "/v1/users/" + userId + "/key-packages/claim").bearerTokenAuthentication(accessToken)
        .send().compose(r -> ok(r, "claim key packages")).map(r -> {
          List<ClaimedKeyPackage> claimed = new ArrayList<>();
          r.bodyAsJsonObject().getJsonArray("keyPackages").forEach(o -> {
            JsonObject entry = (JsonObject) o;
            claimed.add(new ClaimedKeyPackage(UUID.fromString(entry.getString("deviceId")),
                Base64.getDecoder().decode(entry.getString("keyPackage")), entry.getBoolean("lastResort")));
          });
          return claimed;
        });
  }

  /** {@code GET /v1/users/{userId}/device-keys}: device id → registered signature key, oldest device first. */
  public Future<Map<UUID, byte[]>> deviceKeys(String accessToken, UUID userId) {
    return web.getAbs(baseUrl + "/v1/users/" + userId + "/device-keys").bearerTokenAuthentication(accessToken)
        .send().compose(r -> ok(r, "device keys")).map(r -> {
          Map<UUID, byte[]> keys = new LinkedHashMap<>();
          r.bodyAsJsonObject().getJsonArray("devices").forEach(o -> {
            JsonObject entry = (JsonObject) o;
            keys.put(UUID.fromString(entry.getString("deviceId")),
                Base64.getDecoder().decode(entry.getString("signatureKey")));
          });
          return keys;
        });
  }

  /** {@code GET /v1/users/{userId}/device-key-log?afterSeq=}: the user's key changes after {@code afterSeq}. */
  public Future<List<DeviceKeyLog.Entry>> deviceKeyLog(String accessToken, UUID userId, long afterSeq) {
    return web.getAbs(baseUrl + "/v1/users/" + userId + "/device-key-log?afterSeq=" + afterSeq)
        .bearerTokenAuthentication(accessToken).send().compose(r -> ok(r, "device-key log")).map(r -> {
          List<DeviceKeyLog.Entry> entries = new ArrayList<>();
          r.bodyAsJsonObject().getJsonArray("entries").forEach(o -> {
            JsonObject e = (JsonObject) o;
            entries.add(new DeviceKeyLog.Entry(e.getLong("seq"), UUID.fromString(e.getString("deviceId")),
                action(e.getString("action")), Base64.getDecoder().decode(e.getString("signatureKey")),
                Base64.getDecoder().decode(e.getString("hash"))));
          });
          return entries;
        });
  }

  private static DeviceKeyLog.Action action(String value) {
    return switch (value) {
      case "added" -> DeviceKeyLog.Action.ADDED;
      case "removed" -> DeviceKeyLog.Action.REMOVED;
      default -> throw new IllegalStateException("unknown device-key log action " + value);
    };
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static Future<HttpResponse<Buffer>> ok(HttpResponse<Buffer> r, String what) {
    if (r.statusCode() / 100 == 2) {
      return Future.succeededFuture(r);
    }
    return Future.failedFuture(new IllegalStateException(what + " failed with HTTP " + r.statusCode() + ": "
        + r.bodyAsString()));
  }
}
