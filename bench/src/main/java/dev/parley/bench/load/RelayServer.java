package dev.parley.bench.load;

import dev.parley.protocol.ChainHash;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The baseline of every load figure: a raw Vert.x WebSocket relay on the same machine, with no authentication
 * (the token's ids are read, not checked), no Kafka, no Cassandra, no Redis. It speaks just enough of
 * docs/protocol.md for the unchanged client library: {@code ready} at connect, {@code ping}/{@code pong},
 * {@code send} → {@code ack} to the sender and {@code msg} to every other connected device of the channel's
 * members, with an in-memory per-channel seq and the real hash chain ({@link ChainHash}); idempotent re-sends;
 * and the history route (in memory, the last {@code historyPerChannel} messages) that the client uses to fill gaps
 * and resync after a reconnect. Members come from fixture manifests.
 *
 * <p>For the harness's own tests it can misbehave on purpose: {@code dropEvery k} skips the live {@code msg} of
 * every k-th seq (history still has it, so clients recover it), {@code dupEvery k} sends it twice, and
 * {@code loseEvery k} acks every k-th send but never stores or delivers it (a hole no client can fill).
 */
public final class RelayServer {
  private static final Logger LOG = LoggerFactory.getLogger(RelayServer.class);

  /** How the relay runs. */
  public record Settings(int port, int instances, int dropEvery, int dupEvery, int loseEvery, int historyPerChannel) {
  }

  private record Conn(UUID user, UUID device, ServerWebSocket ws) {
  }

  private final Vertx vertx;
  private final Settings settings;
  private final Map<UUID, RelayChannel> channels = new ConcurrentHashMap<>();
  private final Map<UUID, Conn> byDevice = new ConcurrentHashMap<>();
  private final Map<UUID, Set<UUID>> devicesOfUser = new ConcurrentHashMap<>();
  private final AtomicLong msgIds = new AtomicLong((System.currentTimeMillis() - 1_704_067_200_000L) << 22);
  private final AtomicReference<Integer> port = new AtomicReference<>();

  public RelayServer(Vertx vertx, Settings settings, List<Manifest> manifests) {
    this.vertx = vertx;
    this.settings = settings;
    for (Manifest m : manifests) {
      for (Manifest.Channel c : m.channels()) {
        Set<UUID> members = ConcurrentHashMap.newKeySet();
        c.members().forEach(i -> members.add(m.users().get(i).userId()));
        channels.put(c.channelId(), new RelayChannel(c.channelId(), members, settings.historyPerChannel()));
      }
    }
  }

  /** Binds {@code settings.instances} servers sharing one port (one per event loop); completes with the port. */
  public Future<Integer> start() {
    // Vert.x shares one port between the instances of one deployment, but not a random port (0): pick it first.
    int p = settings.port();
    if (p == 0) {
      try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        p = probe.getLocalPort();
      } catch (java.io.IOException e) {
        return Future.failedFuture(e);
      }
    }
    port.set(p);
    return vertx.deployVerticle(() -> new Instance(), new DeploymentOptions().setInstances(settings.instances()))
        .map(id -> port.get());
  }

  private final class Instance extends VerticleBase {
    @Override
    public Future<?> start() {
      HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1")
          .setMaxWebSocketMessageSize(256 * 1024).setMaxWebSocketFrameSize(256 * 1024))
          .webSocketHandshakeHandler(RelayServer.this::handshake)
          .webSocketHandler(ws -> { })
          .requestHandler(RelayServer.this::http);
      return server.listen(port.get());
    }
  }

  private void handshake(ServerWebSocketHandshake hs) {
    if (!"/ws".equals(hs.path())) {
      hs.reject(404);
      return;
    }
    UUID[] ids;
    try {
      String auth = hs.headers().get("Authorization");
      ids = Tokens.unverifiedIds(auth == null ? "" : auth.substring(auth.indexOf(' ') + 1));
    } catch (RuntimeException e) {
      hs.reject(401);
      return;
    }
    hs.accept().onSuccess(ws -> open(ws, ids[0], ids[1]));
  }

  private void open(ServerWebSocket ws, UUID user, UUID device) {
    Conn conn = new Conn(user, device, ws);
    Conn older = byDevice.put(device, conn);
    if (older != null) {
      older.ws().close((short) 4001, "replaced");
    }
    devicesOfUser.computeIfAbsent(user, u -> ConcurrentHashMap.newKeySet()).add(device);
    ws.closeHandler(v -> byDevice.remove(device, conn));
    ws.exceptionHandler(err -> { });
    ws.textMessageHandler(text -> onFrame(conn, text));
    ws.writeTextMessage(ready(conn).encode());
  }

  private static JsonObject ready(Conn c) {
    return new JsonObject().put("type", "ready").put("userId", c.user().toString()).put("deviceId", c.device().toString())
        .put("sessionId", UUID.randomUUID().toString()).put("nodeId", "relay").put("maxPayloadBytes", 65_536)
        .put("heartbeatIntervalMs", 30_000);
  }

  private void onFrame(Conn c, String text) {
    JsonObject f;
    try {
      f = new JsonObject(text);
    } catch (RuntimeException e) {
      error(c, "malformed_frame", "not a JSON object", null);
      return;
    }
    switch (f.getString("type", "")) {
      case "ping" -> c.ws().writeTextMessage(new JsonObject().put("type", "pong").put("id", f.getValue("id")).encode());
      case "hello" -> c.ws().writeTextMessage(ready(c).encode());
      case "send" -> send(c, f);
      default -> error(c, "unknown_type", "the relay only knows ping, hello and send", null);
    }
  }

  private void send(Conn c, JsonObject f) {
    String clientMsgId = f.getString("clientMsgId");
    UUID channelId;
    byte[] payload;
    try {
      channelId = UUID.fromString(f.getString("channelId"));
      payload = Base64.getDecoder().decode(f.getString("payload"));
    } catch (RuntimeException e) {
      error(c, "invalid_field", "channelId and payload are required", clientMsgId);
      return;
    }
    RelayChannel ch = channels.get(channelId);
    if (ch == null || !ch.members.contains(c.user()) || clientMsgId == null) {
      error(c, "not_a_member", "you are not a member of this channel", clientMsgId);
      return;
    }
    String kind = f.getString("kind", "application");
    synchronized (ch) {
      String dedupKey = c.device() + "/" + clientMsgId;
      String previous = ch.acks.get(dedupKey);
      if (previous != null) {
        c.ws().writeTextMessage(previous);
        return;
      }
      long seq = ++ch.seq;
      long msgId = msgIds.incrementAndGet();
      long ts = System.currentTimeMillis();
      ch.hash = ChainHash.next(ch.hash, seq, msgId, c.user(), c.device(), kind, payload);
      String hash = Base64.getEncoder().encodeToString(ch.hash);
      JsonObject ack = new JsonObject().put("type", "ack").put("clientMsgId", clientMsgId)
          .put("channelId", channelId.toString()).put("seq", seq).put("msgId", Long.toString(msgId)).put("hash", hash)
          .put("ts", ts);
      String ackText = ack.encode();
      ch.acks.put(dedupKey, ackText);
      c.ws().writeTextMessage(ackText);
      if (settings.loseEvery() > 0 && seq % settings.loseEvery() == 0) {
        return;
      }
      JsonObject env = new JsonObject().put("channelId", channelId.toString()).put("seq", seq)
          .put("msgId", Long.toString(msgId)).put("hash", hash).put("sender", c.user().toString())
          .put("senderDevice", c.device().toString()).put("clientMsgId", clientMsgId).put("kind", kind)
          .put("payload", f.getString("payload")).put("ts", ts);
      ch.remember(seq, env.encode());
      if (settings.dropEvery() > 0 && seq % settings.dropEvery() == 0) {
        return;
      }
      String msg = env.copy().put("type", "msg").encode();
      int copies = settings.dupEvery() > 0 && seq % settings.dupEvery() == 0 ? 2 : 1;
      for (UUID member : ch.members) {
        Set<UUID> devices = devicesOfUser.get(member);
        if (devices == null) {
          continue;
        }
        for (UUID d : devices) {
          Conn to = d.equals(c.device()) ? null : byDevice.get(d);
          if (to != null) {
            for (int i = 0; i < copies; i++) {
              to.ws().writeTextMessage(msg);
            }
          }
        }
      }
    }
  }

  private void error(Conn c, String code, String message, String clientMsgId) {
    JsonObject e = new JsonObject().put("type", "error").put("code", code).put("message", message);
    if (clientMsgId != null) {
      e.put("clientMsgId", clientMsgId);
    }
    c.ws().writeTextMessage(e.encode());
  }

  /** {@code GET /v1/channels/{id}/messages?after&before&limit}, as docs/protocol.md describes it. */
  private void http(HttpServerRequest req) {
    String[] parts = req.path().split("/");
    if (req.method().name().equals("GET") && parts.length == 5 && parts[1].equals("v1") && parts[2].equals("channels")
        && parts[4].equals("messages")) {
      RelayChannel ch;
      try {
        ch = channels.get(UUID.fromString(parts[3]));
      } catch (IllegalArgumentException e) {
        ch = null;
      }
      if (ch == null) {
        req.response().setStatusCode(404).end();
        return;
      }
      long after = longParam(req, "after", -1);
      long before = longParam(req, "before", -1);
      int limit = (int) Math.max(1, Math.min(500, longParam(req, "limit", 100)));
      req.response().putHeader("content-type", "application/json").end(ch.page(after, before, limit).encode());
      return;
    }
    req.response().setStatusCode(404).end();
  }

  private static long longParam(HttpServerRequest req, String name, long fallback) {
    String v = req.getParam(name);
    try {
      return v == null ? fallback : Long.parseLong(v);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  /** Runs the relay as its own JVM: {@code RelayServer --port 0 --manifest a.json[,b.json] [--drop-every k] …}. */
  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    List<Manifest> manifests = new ArrayList<>();
    for (String f : a.getOrDefault("manifest", "").split(",")) {
      if (!f.isBlank()) {
        manifests.add(Manifest.read(Path.of(f)));
      }
    }
    Settings s = new Settings(Integer.parseInt(a.getOrDefault("port", "0")),
        Integer.parseInt(a.getOrDefault("instances", Integer.toString(Runtime.getRuntime().availableProcessors()))),
        Integer.parseInt(a.getOrDefault("drop-every", "0")), Integer.parseInt(a.getOrDefault("dup-every", "0")),
        Integer.parseInt(a.getOrDefault("lose-every", "0")), Integer.parseInt(a.getOrDefault("history", "20000")));
    Vertx vertx = Vertx.vertx();
    Promise<Integer> started = Promise.promise();
    new RelayServer(vertx, s, manifests).start().onComplete(started);
    int port;
    try {
      port = started.future().toCompletionStage().toCompletableFuture().get();
    } catch (java.util.concurrent.ExecutionException e) {
      LOG.error("relay did not start: {}", e.getCause().toString());
      System.exit(1);
      return;
    }
    LOG.info("relay listening on 127.0.0.1:{} ({} channels)", port, manifests.stream().mapToInt(m -> m.channels().size()).sum());
    System.out.println(WorkerLink.MARK + new JsonObject().put("type", "relay").put("port", port).encode());
    System.out.flush();
    // Runs until killed (the coordinator stops it when its run ends).
    Runtime.getRuntime().addShutdownHook(new Thread(vertx::close));
    Thread.currentThread().join();
  }
}
