package dev.parley.api;

import dev.parley.api.ApiHarness.Session;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static dev.parley.api.ApiHarness.expect;
import static dev.parley.api.ApiHarness.newUsername;
import static dev.parley.api.ApiHarness.problem;
import static dev.parley.shared.it.ItConfig.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18 "Edges" at the api: security headers on every answer (errors included), HSTS only when configured,
 * X-Forwarded-For read only from trusted proxies (right-most untrusted address), and silent connections closed at
 * the idle timeout. Two api instances: defaults, and one behind a trusted proxy (127.0.0.1) with HSTS and a 1 s idle
 * timeout.
 */
class EdgeHeadersIT {
  private static ApiHarness plain;
  private static ApiHarness proxied;
  private static Session alice;

  @BeforeAll
  static void start() {
    plain = ApiHarness.start(new JsonObject());
    // Only 127.0.0.1 is a trusted proxy: a client connecting from another loopback address is an untrusted peer.
    proxied = ApiHarness.start(new JsonObject()
        .put("api", new JsonObject().put("rateLimit", new JsonObject().put("signupPerAddress", 2)))
        .put("edge", new JsonObject().put("trustedProxies", new JsonArray().add("127.0.0.1").add("10.0.0.0/8"))
            .put("hstsMaxAgeSeconds", 31_536_000).put("apiIdleTimeoutSeconds", 1)));
    alice = plain.newUser();
  }

  @AfterAll
  static void stop() {
    plain.close();
    proxied.close();
  }

  private static void assertSecurityHeaders(HttpResponse<Buffer> r) {
    assertThat(r.getHeader("cache-control")).isEqualTo("no-store");
    assertThat(r.getHeader("x-content-type-options")).isEqualTo("nosniff");
    assertThat(r.getHeader("referrer-policy")).isEqualTo("no-referrer");
    assertThat(r.getHeader("content-security-policy")).isEqualTo("frame-ancestors 'none'");
    assertThat(r.getHeader("x-frame-options")).isEqualTo("DENY");
  }

  @Test
  @DisplayName("authenticated answers, refusals and unknown routes all carry the security headers; no HSTS by default")
  void securityHeaders() {
    List<HttpResponse<Buffer>> answers = List.of(expect(plain.get("/v1/me", alice.accessToken()), 200),
        expect(plain.get("/v1/me", null), 401), expect(plain.get("/v1/nothing-here", alice.accessToken()), 404),
        expect(await(plain.request(HttpMethod.POST, "/v1/auth/login").putHeader("content-type", "application/json")
            .sendBuffer(Buffer.buffer("{"))), 400));
    for (HttpResponse<Buffer> r : answers) {
      assertSecurityHeaders(r);
      assertThat(r.getHeader("strict-transport-security")).as("HSTS without TLS").isNull();
    }
  }

  @Test
  @DisplayName("hstsMaxAgeSeconds set (behind TLS): Strict-Transport-Security on every answer")
  void hstsWhenConfigured() {
    HttpResponse<Buffer> r = expect(proxied.get("/v1/nothing-here", null), 404);
    assertSecurityHeaders(r);
    assertThat(r.getHeader("strict-transport-security")).isEqualTo("max-age=31536000; includeSubDomains");
  }

  private static HttpResponse<Buffer> signupFrom(ApiHarness api, String forwardedFor) {
    return signupFrom(api, "127.0.0.1", forwardedFor);
  }

  private static HttpResponse<Buffer> signupFrom(ApiHarness api, String localAddress, String forwardedFor) {
    String u = newUsername();
    WebClient client = WebClient.create(api.vertx, new WebClientOptions().setLocalAddress(localAddress));
    return await(client.post(api.port, "127.0.0.1", "/v1/auth/signup").putHeader("X-Forwarded-For", forwardedFor)
        .sendJsonObject(new JsonObject().put("username", u).put("password", "a fine passphrase")
            .put("displayName", u)));
  }

  private static String randomDocAddress() {
    UUID r = UUID.randomUUID();
    return "2001:db8:" + Long.toHexString(r.getMostSignificantBits() & 0xffff) + "::"
        + Long.toHexString(r.getLeastSignificantBits() & 0xffff);
  }

  @Test
  @DisplayName("behind a trusted proxy each forwarded client has its own signup bucket; spoofed left entries are ignored")
  void trustedProxyForwardedFor() {
    String client = randomDocAddress();
    String other = randomDocAddress();
    expect(signupFrom(proxied, client), 201);
    // A client-written entry to the left of the real client does not make a new bucket.
    expect(signupFrom(proxied, randomDocAddress() + ", " + client), 201);
    problem(signupFrom(proxied, randomDocAddress() + ", " + client + ", 10.1.2.3"), 429, "rate_limited");
    expect(signupFrom(proxied, other), 201);
  }

  @Test
  @DisplayName("from a peer that is not a trusted proxy X-Forwarded-For is ignored: varying it does not escape its bucket")
  void untrustedForwardedForIgnored() {
    // A loopback address of this run alone (counters live a rate-limit window in the shared Redis).
    UUID r = UUID.randomUUID();
    String peer = "127." + (2 + (r.getMostSignificantBits() & 0x7f)) + "." + (r.getLeastSignificantBits() & 0xff) + "."
        + (1 + ((r.getLeastSignificantBits() >>> 8) & 0xfd));
    expect(signupFrom(proxied, peer, randomDocAddress()), 201);
    expect(signupFrom(proxied, peer, randomDocAddress()), 201);
    problem(signupFrom(proxied, peer, randomDocAddress()), 429, "rate_limited");
  }

  @Test
  @DisplayName("a connection that goes silent is closed after edge.apiIdleTimeoutSeconds; a prompt request is served")
  void idleConnectionClosed() throws Exception {
    try (Socket s = new Socket("127.0.0.1", proxied.port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write("GET /v1/nothing-here HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Instant started = Instant.now();
      InputStream in = s.getInputStream();
      assertThat(in.read()).as("closed without an answer").isEqualTo(-1);
      assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(5));
    }
    try (Socket s = new Socket("127.0.0.1", proxied.port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("GET /v1/nothing-here HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String answer = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(answer).isEqualTo("HTTP/1.1 404");
    }
  }
}
