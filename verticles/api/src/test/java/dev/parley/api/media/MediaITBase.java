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
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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

/**
 * The attachment API against the real PostgreSQL and Redis and one storage backend (subclasses: filesystem, S3Mock):
 * resumable uploads cut at random offsets, digest refusal, members-only downloads with Range, limits, bad input,
 * slow-loris cut-off and the sweeper.
 */
abstract class MediaITBase extends MediaApiCalls {
  @Test
  @DisplayName("an upload cut off at random offsets resumes from the stored offset and downloads byte-identical")
  void resumesAfterCuts() throws Exception {
    Session alice = api().newUser();
    String channel = group(alice);
    int chunk = Math.max(minChunk(alice, channel), 256 * 1024);
    byte[] data = random(2 * chunk + 12_345);
    String id = expect(create(alice, channel, data.length, sha256(data)), 201).bodyAsJsonObject().getString("mediaId");
    String path = "/v1/media/" + id + "/upload";
    long offset = 0;
    long sentUpTo = 0;
    int cuts = 0;
    while (offset < data.length) {
      int end = (int) Math.min(data.length, offset + chunk);
      if (cuts < 4) {
        // Declare the whole chunk, send a random part of it, hang up.
        int cut = (int) offset + 1 + ThreadLocalRandom.current().nextInt(end - (int) offset - 1);
        RawHttp.cutChunk(api().port, path, alice.accessToken(), offset, end - offset, data, (int) offset, cut);
        cuts++;
        sentUpTo = Math.max(sentUpTo, cut);
        // An earlier cut request may reach the server only now (the offset probe can run before the server has
        // even read its headers), so what is stored is bounded by the furthest byte sent so far, not by this cut.
        long after = resumeOffset(alice, id, offset);
        assertThat(after).isBetween(offset, sentUpTo);
        offset = after;
        continue;
      }
      HttpResponse<Buffer> r = patch(alice, id, offset, data, (int) offset, end);
      if (r.statusCode() == 409) {
        offset = resumeOffset(alice, id, offset);
        continue;
      }
      expect(r, 204);
      offset = Long.parseLong(r.getHeader("Upload-Offset"));
    }
    expect(api().post("/v1/media/" + id + "/finish", alice.accessToken(), null), 200);
    HttpResponse<Buffer> got = expect(download(alice, id, null), 200);
    assertThat(got.body().getBytes()).isEqualTo(data);
  }

  @Test
  @DisplayName("a finish whose bytes do not match the declared SHA-256 is refused and the upload discarded")
  void wrongDigestRefused() throws Exception {
    Session alice = api().newUser();
    String channel = group(alice);
    byte[] data = random(1000);
    String id = expect(create(alice, channel, data.length, sha256(random(1000))), 201).bodyAsJsonObject()
        .getString("mediaId");
    expect(patch(alice, id, 0, data, 0, data.length), 204);
    problem(api().post("/v1/media/" + id + "/finish", alice.accessToken(), null), 422, "digest_mismatch");
    problem(api().post("/v1/media/" + id + "/finish", alice.accessToken(), null), 404, "media_not_found");
    problem(download(alice, id, null), 404, "media_not_found");
  }

  @Test
  @DisplayName("only members of the attachment's channel can download it; everyone else gets 404")
  void membersOnly() throws Exception {
    Session alice = api().newUser();
    Session bob = api().newUser();
    Session eve = api().newUser();
    String channel = group(alice, bob);
    byte[] data = random(5000);
    String id = upload(alice, channel, data, data.length);
    assertThat(expect(download(bob, id, null), 200).body().getBytes()).isEqualTo(data);
    problem(download(eve, id, null), 404, "media_not_found");
    problem(download(eve, UUID.randomUUID().toString(), null), 404, "media_not_found");
    // Nor may a non-uploader see or write the upload.
    problem(api().post("/v1/media/" + id + "/finish", bob.accessToken(), null), 404, "media_not_found");
    problem(create(eve, channel, 10, sha256(random(10))), 403, "not_a_member");
  }

  @Test
  @DisplayName("Range answers 206 with the right bytes, 416 past the end; ETag, If-None-Match and Cache-Control: private")
  void rangesAndCaching() throws Exception {
    Session alice = api().newUser();
    String channel = group(alice);
    byte[] data = random(100_000);
    String id = upload(alice, channel, data, data.length);
    HttpResponse<Buffer> whole = expect(download(alice, id, null), 200);
    assertThat(whole.getHeader("cache-control")).startsWith("private");
    assertThat(whole.getHeader("etag")).isEqualTo('"' + sha256(data) + '"');
    assertThat(whole.getHeader("accept-ranges")).isEqualTo("bytes");

    HttpResponse<Buffer> middle = expect(download(alice, id, "bytes=1000-1999"), 206);
    assertThat(middle.body().getBytes()).isEqualTo(java.util.Arrays.copyOfRange(data, 1000, 2000));
    assertThat(middle.getHeader("content-range")).isEqualTo("bytes 1000-1999/100000");
    assertThat(expect(download(alice, id, "bytes=99990-"), 206).body().getBytes())
        .isEqualTo(java.util.Arrays.copyOfRange(data, 99_990, 100_000));
    assertThat(expect(download(alice, id, "bytes=-5"), 206).body().getBytes())
        .isEqualTo(java.util.Arrays.copyOfRange(data, 99_995, 100_000));
    assertThat(expect(download(alice, id, "bytes=99000-200000"), 206).body().length()).isEqualTo(1000);
    HttpResponse<Buffer> past = download(alice, id, "bytes=100000-");
    problem(past, 416, "range_not_satisfiable");
    assertThat(past.getHeader("content-range")).isEqualTo("bytes */100000");
    // Forms this API does not serve are ignored: the whole attachment.
    assertThat(expect(download(alice, id, "bytes=0-1,5-6"), 200).body().length()).isEqualTo(100_000);
    assertThat(expect(download(alice, id, "items=0-1"), 200).body().length()).isEqualTo(100_000);

    HttpResponse<Buffer> cached = await(api().request(HttpMethod.GET, "/v1/media/" + id, alice.accessToken())
        .putHeader("if-none-match", whole.getHeader("etag")).send());
    assertThat(cached.statusCode()).isEqualTo(304);
  }

  @Test
  @DisplayName("size, quota and creation-rate limits answer their documented errors")
  void limits() throws Exception {
    Session alice = api().newUser();
    String channel = group(alice);
    String sha = sha256(random(10));
    problem(create(alice, channel, MAX_FILE + 1L, sha), 413, "media_too_large");
    problem(api().post("/v1/media", alice.accessToken(), new JsonObject().put("channelId", channel)
        .put("size", new java.math.BigInteger("100000000000000000000000")).put("sha256", sha)), 413, "media_too_large");
    // 40 MiB quota: three 12 MiB uploads fit, the fourth does not.
    for (int i = 0; i < 3; i++) {
      expect(create(alice, channel, MAX_FILE, sha), 201);
    }
    problem(create(alice, channel, MAX_FILE, sha), 409, "media_quota_exceeded");

    Session bob = api().newUser();
    String bobs = group(bob);
    int created = 0;
    HttpResponse<Buffer> last;
    do {
      last = create(bob, bobs, 1, sha);
      created++;
    } while (last.statusCode() == 201 && created < 100);
    problem(last, 429, "rate_limited");
    assertThat(created - 1).isEqualTo(30);
    assertThat(api().clients.redis()).isNotNull();
    await(api().clients.redis().send(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.DEL)
        .arg(RateLimiter.KEY_PREFIX + MediaService.CREATE_BUCKET + ":" + bob.userId())));
  }

  @Test
  @DisplayName("bad sizes, digests, offsets, overlapping or oversized chunks and path-like ids: clear 4xx, never 5xx")
  void badInput() throws Exception {
    Session alice = api().newUser();
    String channel = group(alice);
    byte[] data = random(3000);
    String sha = sha256(data);
    problem(create(alice, channel, -1, sha), 422, "invalid_field");
    problem(create(alice, channel, 0, sha), 422, "invalid_field");
    problem(api().post("/v1/media", alice.accessToken(), new JsonObject().put("channelId", channel).put("size", 1.5)
        .put("sha256", sha)), 422, "invalid_field");
    problem(create(alice, channel, 10, "ABC"), 422, "invalid_field");
    problem(create(alice, channel, 10, sha.toUpperCase()), 422, "invalid_field");
    problem(create(alice, "../../etc", 10, sha), 422, "invalid_field");

    int c = Math.max(minChunk(alice, channel), 1000);
    byte[] body = random(c + 2000);
    String id = expect(create(alice, channel, body.length, sha256(body)), 201).bodyAsJsonObject().getString("mediaId");
    expect(patch(alice, id, 0, body, 0, c), 204);
    // Overlapping (behind the committed offset) and gapped (ahead of it) chunks.
    HttpResponse<Buffer> overlap = patch(alice, id, c / 2, body, c / 2, c / 2 + 1000);
    problem(overlap, 409, "upload_offset_mismatch");
    assertThat(overlap.getHeader("Upload-Offset")).isEqualTo(Integer.toString(c));
    problem(patch(alice, id, c + 1000, body, c + 1000, c + 2000), 409, "upload_offset_mismatch");
    // Past the declared size.
    problem(patch(alice, id, c, random(2001), 0, 2001), 422, "upload_chunk_invalid");
    problem(await(api().request(HttpMethod.PATCH, "/v1/media/" + id + "/upload", alice.accessToken())
        .putHeader("Upload-Offset", "-1").putHeader("content-type", MediaRoutes.CHUNK_TYPE)
        .sendBuffer(Buffer.buffer("x"))), 422, "invalid_field");
    problem(await(api().request(HttpMethod.PATCH, "/v1/media/" + id + "/upload", alice.accessToken())
        .putHeader("Upload-Offset", Integer.toString(c)).putHeader("content-type", "application/octet-stream")
        .sendBuffer(Buffer.buffer("x"))), 415, "unsupported_media_type");
    problem(await(api().request(HttpMethod.PATCH, "/v1/media/" + id + "/upload", alice.accessToken())
        .putHeader("Upload-Offset", Integer.toString(c)).putHeader("content-type", MediaRoutes.CHUNK_TYPE)
        .putHeader("transfer-encoding", "chunked").sendBuffer(Buffer.buffer("x"))), 411, "length_required");
    problem(api().post("/v1/media/" + id + "/finish", alice.accessToken(), null), 409, "upload_incomplete");
    for (String bad : new String[] {"..%2F..%2Fetc%2Fpasswd", "..", "%2e%2e", "x", id.toUpperCase() + "x"}) {
      HttpResponse<Buffer> r = await(api().request(HttpMethod.GET, "/v1/media/" + bad, alice.accessToken()).send());
      assertThat(r.statusCode()).as(bad + ": " + r.bodyAsString()).isBetween(400, 499);
      HttpResponse<Buffer> w = patch(alice, bad, 0, data, 0, 10);
      assertThat(w.statusCode()).as(bad + ": " + w.bodyAsString()).isBetween(400, 499);
    }
    // The upload is intact after all of that.
    expect(patch(alice, id, c, body, c, c + 2000), 204);
    expect(api().post("/v1/media/" + id + "/finish", alice.accessToken(), null), 200);
    assertThat(expect(download(alice, id, null), 200).body().getBytes()).isEqualTo(body);
  }

  @Test
  @DisplayName("a chunk that goes quiet is cut with 408 upload_timeout and what arrived is kept")
  void slowLoris() throws Exception {
    Session alice = api().newUser();
    String channel = group(alice);
    byte[] data = random(4000);
    String id = expect(create(alice, channel, data.length, sha256(data)), 201).bodyAsJsonObject().getString("mediaId");
    String status = RawHttp.stalledChunk(api().port, "/v1/media/" + id + "/upload", alice.accessToken(), 0,
        data.length, java.util.Arrays.copyOf(data, 100), 20_000);
    assertThat(status).startsWith("HTTP/1.1 408");
    long offset = resumeOffset(alice, id, 0);
    assertThat(offset).isBetween(0L, 100L);
    expect(patch(alice, id, offset, data, (int) offset, data.length), 204);
    expect(api().post("/v1/media/" + id + "/finish", alice.accessToken(), null), 200);
  }

  @Test
  @DisplayName("the sweeper collects stalled uploads and unbound attachments, keeps bound ones, and runs on its timer")
  void sweeper() throws Exception {
    Session alice = api().newUser();
    String channel = group(alice);
    byte[] data = random(2000);
    String stalled = expect(create(alice, channel, data.length, sha256(data)), 201).bodyAsJsonObject()
        .getString("mediaId");
    // Every byte sent but never finished: stalled all the same.
    expect(patch(alice, stalled, 0, data, 0, data.length), 204);
    String unbound = upload(alice, channel, data, data.length);
    String bound = upload(alice, channel, data, data.length);
    expect(api().post("/v1/media/" + bound + "/bind", alice.accessToken(), new JsonObject().put("seq", 7)), 200);

    MediaStorage storage = await(MediaStorages.create(api().vertx, api().config.media()));
    MediaStore store = new MediaStore(api().clients.pg());
    // Two days later (both TTLs default to one day).
    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofDays(2));
    MediaService service = new MediaService(store, storage, null, api().config.media(), later);
    MediaSweeper sweeper = new MediaSweeper(api().vertx, store, service, api().config.media(), later);
    // The timer must run passes by itself: a 1 s interval, awaited (bounded) through its counter.
    MediaSweeper timed = new MediaSweeper(api().vertx, store, service,
        new dev.parley.shared.config.MediaConfig(api().config.media().storage(), api().config.media().dataDir(),
            MAX_FILE, 40, 30, 1, 86_400, 86_400, 1, 100, api().config.media().s3()), later);
    timed.start();
    Promise<Void> swept = Promise.promise();
    long poll = api().vertx.setPeriodic(100, t -> {
      if (timed.collected() >= 2) {
        swept.tryComplete();
      }
    });
    try {
      await(swept.future());
    } finally {
      api().vertx.cancelTimer(poll);
      timed.stop();
    }
    await(sweeper.sweepOnce());
    assertThat(await(store.find(UUID.fromString(stalled)))).isNull();
    assertThat(await(store.find(UUID.fromString(unbound)))).isNull();
    assertThat(await(store.find(UUID.fromString(bound)))).isNotNull();
    problem(download(alice, unbound, null), 404, "media_not_found");
    assertThat(expect(download(alice, bound, null), 200).body().getBytes()).isEqualTo(data);
    assertThat(await(storage.size(bound))).isEqualTo(data.length);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> await(storage.size(unbound)))
        .hasRootCauseInstanceOf(dev.parley.api.media.storage.NoSuchObjectException.class);
  }
}
