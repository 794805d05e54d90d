package dev.parley.api.media;

import dev.parley.api.ApiHarness;
import dev.parley.api.ApiHarness.Session;
import dev.parley.client.media.Attachment;
import dev.parley.client.media.MediaClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static dev.parley.api.ApiHarness.expect;
import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java client library against the real api verticle (filesystem storage): encrypt, upload in several chunks,
 * fetch as another member, verify and decrypt; the storage holds no plaintext marker.
 */
class MediaClientIT {
  private static ApiHarness api;
  private static Path root;

  @BeforeAll
  static void start() throws Exception {
    root = Files.createTempDirectory("parley-media-client-it");
    api = ApiHarness.start(new JsonObject().put("media", new JsonObject().put("storage", "filesystem")
        .put("dataDir", root.resolve("media").toString()).put("sweepIntervalSeconds", 3600)));
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  @DisplayName("a file sent with the client library comes back byte-identical to another member; storage holds ciphertext only")
  void sendAndFetch() throws Exception {
    Session alice = api.newUser();
    Session bob = api.newUser();
    String channel = expect(api.post("/v1/channels", alice.accessToken(), new JsonObject().put("name", "files")
        .put("memberIds", new JsonArray().add(bob.userId().toString()))), 201).bodyAsJsonObject().getString("channelId");
    String marker = "PARLEY-MARKER-" + UUID.randomUUID();
    byte[] data = new byte[2 * 1024 * 1024 + 4321];
    ThreadLocalRandom.current().nextBytes(data);
    System.arraycopy(marker.getBytes(StandardCharsets.US_ASCII), 0, data, 1_000_000, marker.length());
    Path plain = Files.createTempFile("parley-plain", ".bin");
    Files.write(plain, data);

    String base = "http://127.0.0.1:" + api.port;
    // Small chunks (filesystem minimum is 1 byte) so the upload takes several PATCHes.
    MediaClient client = new MediaClient(api.vertx, api.http, base, 512 * 1024, 5);
    Attachment sent = await(client.send(alice.accessToken(), UUID.fromString(channel), plain));
    Attachment got = Attachment.fromJson(new JsonObject(sent.toJson().encode()));
    Path out = Files.createTempFile("parley-out", ".bin");
    await(client.fetch(bob.accessToken(), got, out));
    assertThat(Files.readAllBytes(out)).isEqualTo(data);

    byte[] needle = marker.getBytes(StandardCharsets.US_ASCII);
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertThat(text).as(f.toString()).doesNotContain(new String(needle, StandardCharsets.ISO_8859_1));
      }
    }
  }

  @Test
  @DisplayName("the client waits out the lease of a node that died mid-chunk (409 upload_busy) and completes the upload")
  void resumesAfterDeadWritersLease() throws Exception {
    Session alice = api.newUser();
    String channel = expect(api.post("/v1/channels", alice.accessToken(), new JsonObject().put("name", "files")
        .put("memberIds", new JsonArray())), 201).bodyAsJsonObject().getString("channelId");
    byte[] data = new byte[3 * 1024 * 1024];
    ThreadLocalRandom.current().nextBytes(data);
    Path file = Files.createTempFile("parley-sealed", ".bin");
    Files.write(file, data);
    byte[] sha = java.security.MessageDigest.getInstance("SHA-256").digest(data);
    String id = expect(api.post("/v1/media", alice.accessToken(), new JsonObject().put("channelId", channel)
        .put("size", data.length).put("sha256", java.util.HexFormat.of().formatHex(sha))), 201).bodyAsJsonObject()
        .getString("mediaId");
    // What a node killed while appending leaves behind: a lease nobody renews.
    await(api.clients.pg().preparedQuery("UPDATE media SET writer = $2, writer_until = now() + interval '3 seconds' "
        + "WHERE id = $1").execute(io.vertx.sqlclient.Tuple.of(UUID.fromString(id), UUID.randomUUID())));
    MediaClient client = new MediaClient(api.vertx, api.http, "http://127.0.0.1:" + api.port, 1024 * 1024, 30);
    await(client.resume(alice.accessToken(), UUID.fromString(id), file, data.length, 1024 * 1024));
    assertThat(expect(api.get("/v1/media/" + id, alice.accessToken()), 200).body().getBytes()).isEqualTo(data);
  }
}
