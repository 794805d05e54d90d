package dev.parley.client.e2ee;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * The Delivery Service's REST side (docs/e2ee.md, "Delivery Service protocol"): the device's Welcome inbox, a
 * channel's stored GroupInfo + ratchet tree, and the channel lists the client needs to know whose keys to fetch.
 */
public final class MlsApi {

  /** A Welcome waiting for this device; {@code seq} is the seq of the commit that added it. */
  public record Welcome(UUID welcomeId, UUID channelId, long epoch, long seq, byte[] welcome) {
    static Welcome fromJson(JsonObject j) {
      return new Welcome(UUID.fromString(j.getString("welcomeId")), UUID.fromString(j.getString("channelId")),
          j.getLong("epoch"), j.getLong("seq"), Base64.getDecoder().decode(j.getString("welcome")));
    }
  }

  /** A channel's GroupInfo and ratchet tree of {@code epoch}, uploaded with the commit at {@code seq}. */
  public record GroupState(long epoch, long seq, byte[] groupInfo, byte[] ratchetTree) {
  }

  private final WebClient web;
  private final String baseUrl;
  private final String token;

  public MlsApi(WebClient web, String baseUrl, String token) {
    this.web = web;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.token = token;
  }

  public Future<List<Welcome>> welcomes() {
    return web.getAbs(baseUrl + "/v1/mls/welcomes").bearerTokenAuthentication(token).send()
        .compose(r -> ok(r, "welcomes")).map(r -> {
          List<Welcome> out = new ArrayList<>();
          r.bodyAsJsonObject().getJsonArray("welcomes").forEach(o -> out.add(Welcome.fromJson((JsonObject) o)));
          return out;
        });
  }

  /** Drops a processed Welcome; an already-dropped one (404) is fine. */
  public Future<Void> deleteWelcome(UUID welcomeId) {
    return web.deleteAbs(baseUrl + "/v1/mls/welcomes/" + welcomeId).bearerTokenAuthentication(token).send()
        .compose(r -> r.statusCode() == 404 ? Future.succeededFuture(r) : ok(r, "delete welcome")).mapEmpty();
  }

  /** The channel's group state of {@code epoch} (0: the current one); null when the channel has no group yet. */
  public Future<GroupState> groupInfo(UUID channelId, long epoch) {
    String url = baseUrl + "/v1/channels/" + channelId + "/mls/group-info" + (epoch > 0 ? "?epoch=" + epoch : "");
    return web.getAbs(url).bearerTokenAuthentication(token).send().compose(r -> {
      if (r.statusCode() == 404 && r.bodyAsString() != null && r.bodyAsString().contains("mls_group_not_found")) {
        return Future.succeededFuture(null);
      }
      return ok(r, "group info").map(ok -> {
        JsonObject j = ok.bodyAsJsonObject();
        return new GroupState(j.getLong("epoch"), j.getLong("seq"), Base64.getDecoder().decode(j.getString("groupInfo")),
            Base64.getDecoder().decode(j.getString("ratchetTree")));
      });
    });
  }

  /** The user ids of the channel's current members. */
  public Future<List<UUID>> members(UUID channelId) {
    return web.getAbs(baseUrl + "/v1/channels/" + channelId + "/members").bearerTokenAuthentication(token).send()
        .compose(r -> ok(r, "members")).map(r -> ids(r.bodyAsJsonObject().getJsonArray("members"), "userId"));
  }

  /** The channels the caller is a member of. */
  public Future<List<UUID>> channels() {
    return web.getAbs(baseUrl + "/v1/channels").bearerTokenAuthentication(token).send()
        .compose(r -> ok(r, "channels")).map(r -> ids(r.bodyAsJsonObject().getJsonArray("channels"), "channelId"));
  }

  private static List<UUID> ids(JsonArray array, String field) {
    List<UUID> out = new ArrayList<>();
    array.forEach(o -> out.add(UUID.fromString(((JsonObject) o).getString(field))));
    return out;
  }

  static Future<HttpResponse<Buffer>> ok(HttpResponse<Buffer> r, String what) {
    if (r.statusCode() / 100 == 2) {
      return Future.succeededFuture(r);
    }
    return Future.failedFuture(new IllegalStateException(what + " failed with HTTP " + r.statusCode() + ": "
        + r.bodyAsString()));
  }
}
