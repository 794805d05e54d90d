package dev.parley.node;

import dev.parley.client.media.Attachment;
import dev.parley.client.media.AttachmentCipher;
import dev.parley.client.media.MediaClient;
import dev.parley.node.MessagePathFixture.Device;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import static dev.parley.node.MessagePathFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attachments end to end through real api node JVMs and the Java client library: the file is encrypted on the
 * client, the storage holds only ciphertext (a unique marker of the plaintext is nowhere in it), a recipient on
 * another api node fetches, verifies and decrypts it; an upload whose api node is killed with SIGKILL mid-way
 * resumes on the other node and ends byte-identical. Both nodes share one filesystem storage root.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MediaNodeIT {
  private static MessagePathFixture fx;
  private static NodeProcess first;
  private static NodeProcess second;
  private static int firstPort;
  private static int secondPort;
  private static Path root;
  private static WebClient web;

  @BeforeAll
  static void start() throws Exception {
    fx = new MessagePathFixture(27_301);
    root = Files.createTempDirectory("parley-media-node-it");
    firstPort = NodeProcess.freePort();
    secondPort = NodeProcess.freePort();
    first = NodeProcess.start("media-a", fx.cluster, fx.hzPort, List.of("api"), conf(firstPort));
    second = NodeProcess.start("media-b", fx.cluster, fx.hzPort, List.of("api"), conf(secondPort));
    fx.nodes.put("media-a", first);
    fx.nodes.put("media-b", second);
    fx.awaitReady(first, second);
    web = WebClient.create(fx.vertx);
  }

  private static JsonObject conf(int apiPort) {
    return fx.nodeConf(0, new JsonObject().put("api", new JsonObject().put("port", apiPort))
        .put("media", new JsonObject().put("dataDir", root.resolve("media").toString())
            .put("uploadIdleTimeoutSeconds", 2)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  private static MediaClient client(int port, int maxFailures) {
    return new MediaClient(fx.vertx, web, "http://127.0.0.1:" + port, MediaClient.DEFAULT_CHUNK, maxFailures);
  }

  /** A file of {@code size} random bytes with {@code marker} written in the middle. */
  private static Path plainFile(int size, String marker) throws Exception {
    Path file = Files.createTempFile("parley-plain", ".bin");
    byte[] data = new byte[size];
    ThreadLocalRandom.current().nextBytes(data);
    byte[] m = marker.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(m, 0, data, size / 2, m.length);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
      out.write(data);
    }
    return file;
  }

  private static boolean storageContains(byte[] needle) throws Exception {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        byte[] bytes = Files.readAllBytes(f);
        for (int i = 0; i + needle.length <= bytes.length; i++) {
          if (java.util.Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  @Test
  @Order(1)
  @DisplayName("a file sent through one api node is fetched, verified and decrypted through another; storage holds ciphertext only")
  void sendAndFetchAcrossNodes() throws Exception {
    Device alice = fx.user();
    Device bob = fx.user();
    UUID channel = fx.channel(alice, List.of(alice, bob));
    String marker = "PARLEY-MARKER-" + UUID.randomUUID();
    Path plain = plainFile(3 * 1024 * 1024 + 123, marker);

    Attachment sent = await(client(firstPort, 5).send(alice.token(), channel, plain));
    // What alice would put in the encrypted message, as bob's client would read it back.
    Attachment received = Attachment.fromJson(new JsonObject(sent.toJson().encode()));
    Path out = Files.createTempFile("parley-fetched", ".bin");
    await(client(secondPort, 5).fetch(bob.token(), received, out));

    assertThat(Files.mismatch(plain, out)).isEqualTo(-1L);
    assertThat(sent.size()).isEqualTo(AttachmentCipher.ciphertextLength(Files.size(plain)));
    assertThat(storageContains(marker.getBytes(StandardCharsets.US_ASCII))).as("plaintext marker in storage").isFalse();
    assertThat(storageContains(HexFormat.of().formatHex(sent.key()).getBytes(StandardCharsets.US_ASCII))).isFalse();

    // A tampered digest in the message is caught by the recipient.
    Attachment wrong = new Attachment(sent.mediaId(), channel, sent.key(), new byte[32], sent.size(),
        sent.plaintextSize());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> await(client(secondPort, 5).fetch(bob.token(), wrong,
        Files.createTempFile("parley-wrong", ".bin")))).hasMessageContaining("do not match the digest");
  }

  @Test
  @Order(2)
  @DisplayName("an upload whose api node is killed with SIGKILL mid-way resumes on the other node and ends byte-identical")
  void resumesOnAnotherNodeAfterKill() throws Exception {
    Device alice = fx.user();
    UUID channel = fx.channel(alice, List.of(alice));
    Path plain = plainFile(40 * 1024 * 1024, "kill-" + UUID.randomUUID());
    byte[] key = AttachmentCipher.newKey(new SecureRandom());
    Path sealed = Files.createTempFile("parley-sealed", ".enc");
    AttachmentCipher.Sealed s;
    try (var in = Files.newInputStream(plain); var out = new BufferedOutputStream(Files.newOutputStream(sealed))) {
      s = AttachmentCipher.encrypt(key, in, out);
    }
    long chunk = MediaClient.DEFAULT_CHUNK;
    MediaClient viaFirst = client(firstPort, 2);
    // (Runs last: it kills the first node.)
    // The first chunk through the first node, committed.
    UUID id = await(web.postAbs("http://127.0.0.1:" + firstPort + "/v1/media").bearerTokenAuthentication(alice.token())
        .sendJsonObject(new JsonObject().put("channelId", channel.toString()).put("size", s.ciphertextLength())
            .put("sha256", HexFormat.of().formatHex(s.sha256())))
        .map(r -> UUID.fromString(r.bodyAsJsonObject().getString("mediaId"))));
    byte[] bytes = Files.readAllBytes(sealed);
    await(web.patchAbs("http://127.0.0.1:" + firstPort + "/v1/media/" + id + "/upload")
        .bearerTokenAuthentication(alice.token()).putHeader("Upload-Offset", "0")
        .putHeader("content-type", "application/offset+octet-stream")
        .sendBuffer(io.vertx.core.buffer.Buffer.buffer(bytes).getBuffer(0, (int) chunk)));
    assertThat(await(viaFirst.offset(alice.token(), id))).isEqualTo(chunk);
    // The second chunk is half sent when the node dies: it holds the upload's lease and an uncommitted tail.
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", firstPort)) {
      OutputStream raw = socket.getOutputStream();
      raw.write(("PATCH /v1/media/" + id + "/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
          + alice.token() + "\r\nUpload-Offset: " + chunk + "\r\nContent-Type: application/offset+octet-stream\r\n"
          + "Content-Length: " + chunk + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      raw.write(bytes, (int) chunk, (int) (chunk / 2));
      raw.flush();
      first.kill();
    }
    MediaClient viaSecond = client(secondPort, 30);
    // The other node: waits out the dead node's lease (409 upload_busy), truncates its tail, goes on, finishes.
    await(viaSecond.resume(alice.token(), id, sealed, s.ciphertextLength(), chunk));
    Path out = Files.createTempFile("parley-fetched", ".bin");
    await(viaSecond.fetch(alice.token(), new Attachment(id, channel, key, s.sha256(), s.ciphertextLength(),
        s.plaintextLength()), out));
    assertThat(Files.mismatch(plain, out)).isEqualTo(-1L);
  }
}
