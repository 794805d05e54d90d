package dev.parley.api.media;

import dev.parley.api.ApiHarness;
import dev.parley.api.ApiHarness.Session;
import dev.parley.api.media.storage.MediaStorage;
import dev.parley.api.media.storage.MediaStorages;
import dev.parley.api.ratelimit.RateLimiter;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static dev.parley.api.ApiHarness.expect;
import static dev.parley.api.ApiHarness.problem;
import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP calls of the attachment ITs, against {@link #api()}. Test threads only (they block). */
abstract class MediaApiCalls {
  static final int MAX_FILE = 12 * 1024 * 1024;

  protected abstract ApiHarness api();

  /** The media config both backends share; subclasses add the storage. */
  static JsonObject mediaConfig() {
    return new JsonObject().put("maxFileBytes", MAX_FILE).put("quotaMiBPerUser", 40).put("createsPerWindow", 30)
        .put("uploadIdleTimeoutSeconds", 1).put("sweepIntervalSeconds", 3600);
  }

  static byte[] random(int size) {
    byte[] bytes = new byte[size];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }

  static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  String group(Session admin, Session... members) {
    JsonArray ids = new JsonArray();
    for (Session m : members) {
      ids.add(m.userId().toString());
    }
    return expect(api().post("/v1/channels", admin.accessToken(), new JsonObject().put("name", "media")
        .put("memberIds", ids)), 201).bodyAsJsonObject().getString("channelId");
  }

  HttpResponse<Buffer> create(Session who, String channel, long size, String sha) {
    return api().post("/v1/media", who.accessToken(), new JsonObject().put("channelId", channel).put("size", size)
        .put("sha256", sha));
  }

  HttpResponse<Buffer> patch(Session who, String id, long offset, byte[] data, int from, int to) {
    return await(api().request(HttpMethod.PATCH, "/v1/media/" + id + "/upload", who.accessToken())
        .putHeader("Upload-Offset", Long.toString(offset)).putHeader("content-type", MediaRoutes.CHUNK_TYPE)
        .sendBuffer(Buffer.buffer(data).getBuffer(from, to)));
  }

  long headOffset(Session who, String id) {
    HttpResponse<Buffer> head = await(api().request(HttpMethod.HEAD, "/v1/media/" + id + "/upload", who.accessToken())
        .send());
    expect(head, 204);
    return Long.parseLong(head.getHeader("Upload-Offset"));
  }

  /** Uploads and finishes {@code data} in chunks of {@code chunk} bytes; the finished attachment's id. */
  String upload(Session who, String channel, byte[] data, int chunk) throws Exception {
    JsonObject created = expect(create(who, channel, data.length, sha256(data)), 201).bodyAsJsonObject();
    String id = created.getString("mediaId");
    for (int offset = 0; offset < data.length; offset += chunk) {
      HttpResponse<Buffer> r = expect(patch(who, id, offset, data, offset, Math.min(data.length, offset + chunk)), 204);
      assertThat(r.getHeader("Upload-Offset")).isEqualTo(Long.toString(Math.min(data.length, offset + chunk)));
    }
    expect(api().post("/v1/media/" + id + "/finish", who.accessToken(), null), 200);
    return id;
  }

  int minChunk(Session who, String channel) throws Exception {
    byte[] one = random(1);
    return expect(create(who, channel, 1, sha256(one)), 201).bodyAsJsonObject().getInteger("minChunkBytes");
  }

  HttpResponse<Buffer> download(Session who, String id, String range) {
    var request = api().request(HttpMethod.GET, "/v1/media/" + id, who.accessToken());
    if (range != null) {
      request.putHeader("range", range);
    }
    return await(request.send());
  }

  /**
   * The offset to resume from after a cut: the cut request may still be committing on the server, which holds the
   * upload's lease until it has; a PATCH of nothing-new would be refused as busy, so wait for the lease with the
   * server's own answer (bounded), exactly as a client would.
   */
  long resumeOffset(Session who, String id, long atLeast) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      long offset = headOffset(who, id);
      // A zero-byte probe is refused; a 1-byte chunk that would be wrong is not sent: ask with an offset check only.
      HttpResponse<Buffer> probe = await(api().request(HttpMethod.PATCH, "/v1/media/" + id + "/upload",
              who.accessToken()).putHeader("Upload-Offset", Long.toString(offset))
          .putHeader("content-type", MediaRoutes.CHUNK_TYPE).sendBuffer(Buffer.buffer()));
      String code = probe.bodyAsJsonObject().getString("code");
      if ("upload_chunk_invalid".equals(code)) {
        return offset;
      }
      assertThat(code).as(probe.bodyAsString()).isIn("upload_busy", "upload_offset_mismatch");
      Promise<Void> later = Promise.promise();
      api().vertx.setTimer(200, t -> later.complete());
      await(later.future());
    }
    throw new AssertionError("upload " + id + " stayed busy");
  }
}
