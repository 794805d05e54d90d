package dev.parley.node;

import dev.parley.client.Message;
import dev.parley.node.MessagePathFixture.Conn;
import dev.parley.node.MessagePathFixture.Device;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.parley.node.MessagePathFixture.await;
import static dev.parley.node.MessagePathFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser client end to end (docs/web.md): the api role serves the built app (web/dist), two gateways are found
 * through discovery, and web/e2e/run.mjs drives Debian's Chromium through sign-up, group and DM, live chat-list
 * order and unread counts, receipts, typing, an attachment, a reload with history paging, presence, mark-unread, a
 * second device, a wrong password and log-out — with a Java-client member in the same group that the driver asks
 * this test to send from and to check (its {"ask":…} lines on stdout). Screenshots: target/web-e2e/.
 * Node A: gateway, api, discovery, presence; node B: gateway, message. Needs `npm ci && npm run build` in web/
 * and /usr/bin/chromium (scripts/test does both).
 */
class WebClientIT {
  private static final Path OUT = Path.of("target", "web-e2e").toAbsolutePath();
  private static MessagePathFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = WebCluster.start(33_301);
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  @DisplayName("two browser users, a second browser device and a Java-client user chat across both gateways")
  void browsersAndJavaClient() throws Exception {
    String peerName = "java_" + UUID.randomUUID().toString().substring(0, 8);
    UUID peerUser = UUID.randomUUID();
    await(fx.pg().preparedQuery("INSERT INTO users (id, username, display_name, password_hash) VALUES ($1, $2, $2, 'x')")
        .execute(Tuple.of(peerUser, peerName)));
    Device peer = fx.device(peerUser);
    Conn java = fx.connect(peer, "wc-b", "wc-a");
    WebClient http = WebClient.create(fx.vertx);

    Files.createDirectories(OUT);
    Process driver = WebCluster.node("e2e/run.mjs", OUT.resolve("driver.log"), Map.of(
        "PARLEY_WEB_URL", fx.apiUrl(), "PARLEY_E2E_OUT", OUT.toString(), "PARLEY_E2E_PEER", peerName,
        "PARLEY_E2E_TIMEOUT_MS", "300000"));
    JsonObject result = null;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(driver.getInputStream(), StandardCharsets.UTF_8));
         Writer in = driver.outputWriter(StandardCharsets.UTF_8)) {
      String line;
      while ((line = out.readLine()) != null) {
        JsonObject q = new JsonObject(line);
        if (q.containsKey("done")) {
          result = q;
          break;
        }
        in.write(answer(q, java, peer, http).encode() + "\n");
        in.flush();
      }
    } finally {
      if (!driver.waitFor(30, TimeUnit.SECONDS)) {
        driver.destroyForcibly();
      }
    }
    String log = Files.readString(OUT.resolve("driver.log"));
    assertThat(result).as("the driver ended without a result:\n" + log).isNotNull();
    assertThat(result.getBoolean("ok")).as(result.getString("error") + "\n" + log).isTrue();
    assertThat(driver.exitValue()).isZero();
    assertThat(java.violations()).as("hash-chain violations seen by the Java client").isEmpty();
  }

  /** One answer to the driver: the Java-client member sends, or proves what it received. */
  private static JsonObject answer(JsonObject q, Conn java, Device peer, WebClient http) {
    try {
      switch (q.getString("ask")) {
        case "javaSend" -> {
          JsonObject channels = await(http.getAbs(fx.apiUrl() + "/v1/channels")
              .putHeader("authorization", "Bearer " + peer.token()).send()).bodyAsJsonObject();
          String id = channels.getJsonArray("channels").stream().map(JsonObject.class::cast)
              .filter(c -> q.getString("group").equals(c.getString("name"))).findFirst().orElseThrow().getString("channelId");
          await(java.client().send(UUID.fromString(id), "application", q.getString("text").getBytes(StandardCharsets.UTF_8)));
        }
        case "javaReceived" -> {
          for (Object text : q.getJsonArray("texts")) {
            eventually(Duration.ofSeconds(20), () -> java.received().stream().map(Message::payload)
                .anyMatch(p -> new String(p, StandardCharsets.UTF_8).equals(text)), () -> "java client got " + text);
          }
        }
        default -> throw new IllegalArgumentException("unknown ask " + q.getString("ask"));
      }
      return new JsonObject().put("ok", true);
    } catch (Throwable e) {
      return new JsonObject().put("ok", false).put("error", e.toString());
    }
  }
}
