package dev.parley.client.e2ee;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.mls.DeviceKeyLog;
import dev.parley.mls.MlsException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key-log verification against a stand-in directory that serves whatever log a test gives it. */
@DisplayName("PeerKeys")
class PeerKeysTest {
  private final UUID me = UUID.randomUUID();
  private final UUID peer = UUID.randomUUID();
  private final Map<UUID, List<DeviceKeyLog.Entry>> logs = new ConcurrentHashMap<>();
  private final List<PeerKeys.KeyChange> changes = new CopyOnWriteArrayList<>();
  @TempDir
  Path dir;
  private Vertx vertx;
  private HttpServer server;
  private KeyDirectoryApi api;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer().requestHandler(req -> {
      UUID user = UUID.fromString(req.path().split("/")[3]);
      JsonArray entries = new JsonArray();
      logs.getOrDefault(user, List.of()).forEach(e -> entries.add(new JsonObject().put("seq", e.seq())
          .put("deviceId", e.deviceId().toString()).put("action", e.action().name().toLowerCase())
          .put("signatureKey", Base64.getEncoder().encodeToString(e.signatureKey()))
          .put("hash", Base64.getEncoder().encodeToString(e.hash())).put("at", "2026-11-28T21:00:00Z")));
      req.response().putHeader("content-type", "application/json")
          .end(new JsonObject().put("entries", entries).encode());
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    api = new KeyDirectoryApi(WebClient.create(vertx), "http://127.0.0.1:" + server.actualPort());
  }

  @AfterEach
  void stop() {
    vertx.close();
  }

  private PeerKeys peerKeys() {
    PeerKeys keys = new PeerKeys(api, new StateDir(dir.resolve("state")), new Serial(vertx.getOrCreateContext()), me);
    keys.onKeyChange(changes::add);
    return keys;
  }

  private static List<DeviceKeyLog.Entry> append(List<DeviceKeyLog.Entry> log, UUID device,
                                                 DeviceKeyLog.Action action, byte key) {
    List<DeviceKeyLog.Entry> out = new ArrayList<>(log);
    byte[] prev = log.isEmpty() ? DeviceKeyLog.GENESIS : log.get(log.size() - 1).hash();
    byte[] signatureKey = new byte[32];
    signatureKey[0] = key;
    long seq = log.size() + 1;
    out.add(new DeviceKeyLog.Entry(seq, device, action, signatureKey,
        DeviceKeyLog.hash(prev, seq, device, action, signatureKey)));
    return out;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("learns keys from a verified log, warns when a peer's key set changes, and survives a restart")
  void verifiesAndWarnsOnChange() throws Exception {
    UUID phone = UUID.randomUUID();
    UUID laptop = UUID.randomUUID();
    logs.put(peer, append(List.of(), phone, DeviceKeyLog.Action.ADDED, (byte) 1));
    logs.put(me, append(List.of(), UUID.randomUUID(), DeviceKeyLog.Action.ADDED, (byte) 9));
    PeerKeys keys = peerKeys();
    await(keys.refresh("t", List.of(me, peer)));
    assertThat(keys.signatureKey(phone)).isPresent();
    assertThat(changes).isEmpty();
    String before = keys.safetyNumber(peer);
    assertThat(before).matches("(\\d{5} ){11}\\d{5}");

    logs.put(peer, append(logs.get(peer), laptop, DeviceKeyLog.Action.ADDED, (byte) 2));
    PeerKeys restarted = peerKeys();
    assertThat(restarted.signatureKey(phone)).as("verified keys survive a restart").isPresent();
    await(restarted.refresh("t", List.of(me, peer)));
    assertThat(changes).hasSize(1);
    assertThat(changes.get(0).userId()).isEqualTo(peer);
    assertThat(changes.get(0).entries()).extracting(DeviceKeyLog.Entry::deviceId).containsExactly(laptop);
    assertThat(restarted.safetyNumber(peer)).isNotEqualTo(before);

    logs.put(peer, append(logs.get(peer), phone, DeviceKeyLog.Action.REMOVED, (byte) 1));
    await(restarted.refresh("t", peer));
    assertThat(changes).hasSize(2);
    assertThat(restarted.activeDevices(peer)).containsOnlyKeys(laptop);
    assertThat(restarted.signatureKey(phone)).as("a removed device's key stays known for its old leaves").isPresent();
  }

  @Test
  @DisplayName("refuses a log whose history was rewritten after it was verified, or whose chain is broken")
  void refusesRewrittenHistory() throws Exception {
    UUID phone = UUID.randomUUID();
    logs.put(peer, append(append(List.of(), phone, DeviceKeyLog.Action.ADDED, (byte) 1), UUID.randomUUID(),
        DeviceKeyLog.Action.ADDED, (byte) 2));
    PeerKeys keys = peerKeys();
    await(keys.refresh("t", peer));

    // The server drops the second device it once showed and shows another one instead.
    logs.put(peer, append(append(List.of(), phone, DeviceKeyLog.Action.ADDED, (byte) 1), UUID.randomUUID(),
        DeviceKeyLog.Action.ADDED, (byte) 3));
    assertThat(failure(keys.refresh("t", peer))).hasMessageContaining("history was rewritten");

    List<DeviceKeyLog.Entry> forged = new ArrayList<>(logs.get(peer));
    DeviceKeyLog.Entry last = forged.remove(1);
    forged.add(new DeviceKeyLog.Entry(last.seq(), last.deviceId(), last.action(), new byte[32], last.hash()));
    logs.put(peer, forged);
    assertThat(failure(keys.refresh("t", peer))).hasMessageContaining("broken at seq 2");
    assertThat(changes).isEmpty();
  }

  private static Throwable failure(Future<?> future) throws Exception {
    try {
      await(future);
      throw new AssertionError("expected a refusal");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(MlsException.class);
      return e.getCause();
    }
  }
}
