package dev.parley.client;

import dev.parley.mls.CommitSummary;
import dev.parley.mls.DeviceKeyLog;
import dev.parley.mls.MessageHeader;
import dev.parley.protocol.ChainHash;
import dev.parley.protocol.Envelope;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A stand-in for the api role, gateway and Delivery Service in one HTTP server, for unit tests of the client's E2EE
 * flows (the real cluster is exercised by the node module's E2eeIT). It keeps the protocol's rules that the client
 * depends on: one seq per message and hash chain, the channel's epoch (a commit or message on another epoch is
 * refused {@code stale_epoch}), Welcomes to added devices (live and in the inbox), GroupInfo + tree per epoch, the
 * key directory with one-time packages handed out once and a hash-chained key log. Tokens are "user:device". Runs on
 * its own event loop; all state is touched from there only.
 */
final class FakeDeliveryService {
  record Channel(UUID id, Set<UUID> members, List<Envelope> log, Map<Long, JsonObject> groups, long[] epoch) {
  }

  private final Map<UUID, UUID> ownerOf = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<UUID, byte[]> signatureKeys = new HashMap<>();
  private final Map<UUID, List<DeviceKeyLog.Entry>> keyLogs = new HashMap<>();
  private final Map<UUID, List<String>> oneTime = new HashMap<>();
  private final Map<UUID, String> lastResort = new HashMap<>();
  private final Map<UUID, Channel> channels = new LinkedHashMap<>();
  private final Map<UUID, Map<UUID, JsonObject>> welcomes = new HashMap<>();
  private final Map<UUID, ServerWebSocket> sockets = new HashMap<>();
  final List<JsonObject> refusals = new java.util.concurrent.CopyOnWriteArrayList<>();
  private long msgIds = 1000;
  private HttpServer server;

  int start(Vertx vertx) throws Exception {
    server = vertx.createHttpServer().webSocketHandler(this::socket).requestHandler(req -> req.body()
        .onSuccess(body -> rest(req, body))).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
    return server.actualPort();
  }

  void device(UUID user, UUID device) {
    ownerOf.put(device, user);
  }

  private static UUID[] caller(String authorization) {
    String[] parts = authorization.substring("Bearer ".length()).split(":");
    return new UUID[] {UUID.fromString(parts[0]), UUID.fromString(parts[1])};
  }

  private void socket(ServerWebSocket ws) {
    UUID device = caller(ws.headers().get("Authorization"))[1];
    sockets.put(device, ws);
    ws.closeHandler(v -> sockets.remove(device, ws));
    ws.textMessageHandler(text -> frame(device, new JsonObject(text)));
    ws.writeTextMessage(new JsonObject().put("type", "ready").put("nodeId", "fake").encode());
  }

  private void frame(UUID device, JsonObject f) {
    if (!"send".equals(f.getString("type"))) {
      return;
    }
    Channel c = channels.get(UUID.fromString(f.getString("channelId")));
    byte[] payload = Base64.getDecoder().decode(f.getString("payload"));
    String kind = f.getString("kind", "application");
    String refusal = check(c, kind, payload);
    if (refusal != null) {
      JsonObject error = new JsonObject().put("type", "error").put("code", refusal).put("message", refusal)
          .put("clientMsgId", f.getString("clientMsgId")).put("epoch", c.epoch()[0]);
      refusals.add(error);
      sockets.get(device).writeTextMessage(error.encode());
      return;
    }
    Envelope previous = c.log().isEmpty() ? null : c.log().get(c.log().size() - 1);
    long seq = c.log().size() + 1;
    long msgId = ++msgIds;
    UUID user = ownerOf.get(device);
    byte[] hash = ChainHash.next(previous == null ? ChainHash.genesis() : previous.hash(), seq, msgId, user, device,
        kind, payload);
    Envelope e = new Envelope(c.id(), seq, msgId, hash, user, device, f.getString("clientMsgId"), kind, payload, 1L);
    c.log().add(e);
    if ("commit".equals(kind)) {
      c.epoch()[0]++;
      c.groups().put(c.epoch()[0], new JsonObject().put("channelId", c.id().toString()).put("epoch", c.epoch()[0])
          .put("seq", seq).put("groupInfo", f.getString("groupInfo")).put("ratchetTree", f.getString("ratchetTree")));
      if (f.containsKey("welcome")) {
        for (UUID added : CommitSummary.of(payload).addedDevices()) {
          JsonObject w = new JsonObject().put("welcomeId", UUID.randomUUID().toString())
              .put("channelId", c.id().toString()).put("epoch", c.epoch()[0]).put("seq", seq)
              .put("welcome", f.getString("welcome"));
          welcomes.computeIfAbsent(added, d -> new LinkedHashMap<>()).put(UUID.fromString(w.getString("welcomeId")), w);
          ServerWebSocket target = sockets.get(added);
          if (target != null) {
            target.writeTextMessage(w.copy().put("type", "welcome").encode());
          }
        }
      }
    }
    sockets.get(device).writeTextMessage(e.ackFrame().encode());
    sockets.forEach((d, ws) -> {
      if (!d.equals(device) && c.members().contains(ownerOf.get(d))) {
        ws.writeTextMessage(e.msgFrame().encode());
      }
    });
  }

  private static String check(Channel c, String kind, byte[] payload) {
    long epoch = c.epoch()[0];
    if ("commit".equals(kind)) {
      return CommitSummary.of(payload).epoch() < epoch ? "stale_epoch" : null;
    }
    if (epoch == 0) {
      return null;
    }
    return MessageHeader.of(payload).epoch() < epoch ? "stale_epoch" : null;
  }

  private void rest(HttpServerRequest req, Buffer body) {
    UUID[] who = caller(req.getHeader("Authorization"));
    String[] p = req.path().substring(1).split("/");
    String route = req.method() + " " + req.path().replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "{id}");
    Object answer = switch (route) {
      case "PUT /v1/keys/signature-key" -> register(who, body.toJsonObject());
      case "POST /v1/keys/key-packages" -> upload(who[1], body.toJsonObject());
      case "POST /v1/users/{id}/key-packages/claim" -> claim(UUID.fromString(p[2]));
      case "GET /v1/users/{id}/device-key-log" -> keyLog(UUID.fromString(p[2]));
      case "GET /v1/mls/welcomes" -> new JsonObject().put("welcomes",
          new JsonArray(new ArrayList<>(welcomes.getOrDefault(who[1], Map.of()).values())));
      case "DELETE /v1/mls/welcomes/{id}" -> {
        welcomes.getOrDefault(who[1], new HashMap<>()).remove(UUID.fromString(p[3]));
        yield "";
      }
      case "GET /v1/channels/{id}/mls/group-info" -> groupInfo(channels.get(UUID.fromString(p[2])),
          req.getParam("epoch"));
      case "GET /v1/channels/{id}/members" -> {
        JsonArray members = new JsonArray();
        channels.get(UUID.fromString(p[2])).members().forEach(u -> members.add(new JsonObject().put("userId", u.toString())));
        yield new JsonObject().put("members", members);
      }
      case "GET /v1/channels" -> {
        JsonArray mine = new JsonArray();
        channels.values().stream().filter(c -> c.members().contains(who[0]))
            .forEach(c -> mine.add(new JsonObject().put("channelId", c.id().toString())));
        yield new JsonObject().put("channels", mine);
      }
      case "POST /v1/channels" -> {
        Set<UUID> members = new LinkedHashSet<>(List.of(who[0]));
        body.toJsonObject().getJsonArray("memberIds").forEach(id -> members.add(UUID.fromString((String) id)));
        UUID id = UUID.randomUUID();
        channels.put(id, new Channel(id, members, new ArrayList<>(), new HashMap<>(), new long[1]));
        yield new JsonObject().put("channelId", id.toString());
      }
      case "POST /v1/channels/{id}/members" -> {
        channels.get(UUID.fromString(p[2])).members().add(UUID.fromString(body.toJsonObject().getString("userId")));
        yield new JsonObject();
      }
      case "GET /v1/channels/{id}/messages" -> history(channels.get(UUID.fromString(p[2])), req);
      case "DELETE /v1/channels/{id}/members/{id}" -> {
        Channel c = channels.get(UUID.fromString(p[2]));
        c.members().remove(UUID.fromString(p[4]));
        JsonObject notice = new JsonObject().put("type", "mls.removal_pending").put("channelId", c.id().toString())
            .put("epoch", c.epoch()[0]).put("leaves", new JsonArray());
        sockets.forEach((d, ws) -> {
          if (c.members().contains(ownerOf.get(d))) {
            ws.writeTextMessage(notice.encode());
          }
        });
        yield "";
      }
      default -> null;
    };
    if (answer == null) {
      req.response().setStatusCode(404).end("{\"code\":\"not_found\",\"route\":\"" + route + "\"}");
    } else if (answer instanceof JsonObject j && j.containsKey("status")) {
      req.response().setStatusCode(j.getInteger("status")).end(j.encode());
    } else {
      req.response().putHeader("content-type", "application/json").end(answer.toString());
    }
  }

  private JsonObject register(UUID[] who, JsonObject body) {
    byte[] key = Base64.getDecoder().decode(body.getString("signatureKey"));
    if (signatureKeys.putIfAbsent(who[1], key) == null) {
      List<DeviceKeyLog.Entry> log = keyLogs.computeIfAbsent(who[0], u -> new ArrayList<>());
      byte[] prev = log.isEmpty() ? DeviceKeyLog.GENESIS : log.get(log.size() - 1).hash();
      long seq = log.size() + 1;
      log.add(new DeviceKeyLog.Entry(seq, who[1], DeviceKeyLog.Action.ADDED, key,
          DeviceKeyLog.hash(prev, seq, who[1], DeviceKeyLog.Action.ADDED, key)));
    }
    return new JsonObject().put("deviceId", who[1].toString());
  }

  private JsonObject upload(UUID device, JsonObject body) {
    List<String> stock = oneTime.computeIfAbsent(device, d -> new ArrayList<>());
    body.getJsonArray("oneTime").forEach(kp -> stock.add((String) kp));
    if (body.containsKey("lastResort")) {
      lastResort.put(device, body.getString("lastResort"));
    }
    return new JsonObject().put("oneTimeStock", stock.size()).put("lastResort", lastResort.containsKey(device));
  }

  private JsonObject claim(UUID user) {
    JsonArray packages = new JsonArray();
    ownerOf.forEach((device, owner) -> {
      List<String> stock = oneTime.getOrDefault(device, new ArrayList<>());
      if (owner.equals(user) && (!stock.isEmpty() || lastResort.containsKey(device))) {
        boolean last = stock.isEmpty();
        packages.add(new JsonObject().put("deviceId", device.toString()).put("lastResort", last)
            .put("keyPackage", last ? lastResort.get(device) : stock.remove(0)));
      }
    });
    return new JsonObject().put("keyPackages", packages).put("unavailableDevices", new JsonArray());
  }

  private JsonObject keyLog(UUID user) {
    JsonArray entries = new JsonArray();
    keyLogs.getOrDefault(user, List.of()).forEach(e -> entries.add(new JsonObject().put("seq", e.seq())
        .put("deviceId", e.deviceId().toString()).put("action", e.action().name().toLowerCase())
        .put("signatureKey", Base64.getEncoder().encodeToString(e.signatureKey()))
        .put("hash", Base64.getEncoder().encodeToString(e.hash()))));
    return new JsonObject().put("entries", entries);
  }

  private static JsonObject groupInfo(Channel c, String epoch) {
    JsonObject g = c.groups().get(epoch == null ? c.epoch()[0] : Long.parseLong(epoch));
    return g != null ? g : new JsonObject().put("status", 404).put("code", c.epoch()[0] == 0 ? "mls_group_not_found"
        : "mls_epoch_not_found");
  }

  private static JsonObject history(Channel c, HttpServerRequest req) {
    long after = Long.parseLong(req.getParam("after", "0"));
    long before = Long.parseLong(req.getParam("before", Long.toString(Long.MAX_VALUE)));
    JsonArray out = new JsonArray();
    c.log().stream().filter(e -> e.seq() > after && e.seq() < before).forEach(e -> out.add(e.toJson()));
    return new JsonObject().put("channelId", c.id().toString()).put("messages", out).put("hasMore", false);
  }
}
