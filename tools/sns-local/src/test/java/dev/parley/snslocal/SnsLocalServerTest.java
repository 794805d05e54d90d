package dev.parley.snslocal;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sns.model.EndpointDisabledException;
import software.amazon.awssdk.services.sns.model.InternalErrorException;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sns.model.SnsException;
import software.amazon.awssdk.services.sns.model.ThrottledException;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The stand-in driven by the real AWS SDK v2 async client, as the push role and the api drive it. */
class SnsLocalServerTest {
  private static final String APNS_APP = "arn:aws:sns:us-east-1:000000000000:app/APNS/parley";
  private static final String GCM_APP = "arn:aws:sns:us-east-1:000000000000:app/GCM/parley";
  private static Vertx vertx;
  private static SnsAsyncClient sns;
  private static String base;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    SnsLocalServer server = new SnsLocalServer("127.0.0.1", 0, Clock.systemUTC());
    vertx.deployVerticle(server).await();
    base = "http://127.0.0.1:" + server.actualPort();
    // Fake static credentials: the stand-in checks that a request is signed, not the signature.
    sns = SnsAsyncClient.builder().endpointOverride(URI.create(base)).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClientBuilder(NettyNioAsyncHttpClient.builder())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
  }

  @AfterAll
  static void stop() {
    sns.close();
    vertx.close().await();
  }

  @BeforeEach
  void reset() throws Exception {
    send("POST", "/_local/reset", null);
  }

  @Test
  @DisplayName("CreatePlatformEndpoint returns one ARN per token, the same one again for the same token")
  void createIsIdempotent() {
    String arn = create(APNS_APP, "a".repeat(64));
    assertThat(arn).startsWith("arn:aws:sns:us-east-1:000000000000:endpoint/APNS/parley/");
    assertThat(create(APNS_APP, "a".repeat(64))).isEqualTo(arn);
    assertThat(create(APNS_APP, "b".repeat(64))).isNotEqualTo(arn);
    assertThat(sns.getEndpointAttributes(r -> r.endpointArn(arn)).join().attributes())
        .containsEntry("Enabled", "true").containsEntry("Token", "a".repeat(64));
  }

  @Test
  @DisplayName("the same token with different CustomUserData is refused with InvalidParameter, as AWS does")
  void sameTokenOtherAttributesRefused() {
    sns.createPlatformEndpoint(r -> r.platformApplicationArn(GCM_APP).token("tok1").customUserData("device-1")).join();
    assertThatThrownBy(() -> sns.createPlatformEndpoint(r -> r.platformApplicationArn(GCM_APP).token("tok1")
        .customUserData("device-2")).join()).hasCauseInstanceOf(InvalidParameterException.class);
    assertThatThrownBy(() -> create("arn:aws:sns:us-east-1:000000000000:app/WNS/x", "t"))
        .hasCauseInstanceOf(InvalidParameterException.class);
  }

  @Test
  @DisplayName("SetEndpointAttributes changes the token and Enabled; unknown endpoints are NotFound (404)")
  void setAttributes() {
    String arn = create(GCM_APP, "old-token");
    sns.setEndpointAttributes(r -> r.endpointArn(arn).attributes(Map.of("Token", "new-token", "Enabled", "false")))
        .join();
    assertThat(sns.getEndpointAttributes(r -> r.endpointArn(arn)).join().attributes())
        .containsEntry("Token", "new-token").containsEntry("Enabled", "false");
    Throwable e = catchCause(() -> sns.getEndpointAttributes(r -> r.endpointArn(arn + "x")).join());
    assertThat(e).isInstanceOf(NotFoundException.class);
    assertThat(((SnsException) e).statusCode()).isEqualTo(404);
    assertThatThrownBy(() -> sns.setEndpointAttributes(r -> r.endpointArn(arn).attributes(Map.of("Enabled", "yes")))
        .join()).hasCauseInstanceOf(InvalidParameterException.class);
  }

  @Test
  @DisplayName("Publish with MessageStructure=json is recorded with its platform payload and attributes")
  void publishRecorded() throws Exception {
    String arn = create(APNS_APP, "c".repeat(64));
    String message = new JsonObject().put("default", "New message")
        .put("APNS", new JsonObject().put("aps", new JsonObject().put("badge", 3)).encode()).encode();
    String id = sns.publish(r -> r.targetArn(arn).messageStructure("json").message(message)
        .messageAttributes(Map.of("AWS.SNS.MOBILE.APNS.COLLAPSE_ID",
            MessageAttributeValue.builder().dataType("String").stringValue("ch-1").build()))).join().messageId();
    JsonArray recorded = new JsonObject(send("GET", "/_local/publishes", null).body()).getJsonArray("publishes");
    assertThat(recorded).hasSize(1);
    assertThat(new JsonObject(send("GET", "/_local/publishes/count", null).body()).getInteger("count")).isEqualTo(1);
    JsonObject p = recorded.getJsonObject(0);
    assertThat(p.getString("messageId")).isEqualTo(id);
    assertThat(p.getString("targetArn")).isEqualTo(arn);
    assertThat(p.getJsonObject("payload").getJsonObject("aps").getInteger("badge")).isEqualTo(3);
    assertThat(p.getJsonObject("attributes").getJsonObject("AWS.SNS.MOBILE.APNS.COLLAPSE_ID").getString("stringValue"))
        .isEqualTo("ch-1");
    send("DELETE", "/_local/publishes", null);
    assertThat(new JsonObject(send("GET", "/_local/publishes", null).body()).getJsonArray("publishes")).isEmpty();
  }

  @Test
  @DisplayName("Publish refuses a json structure without a default, an unknown target, and a disabled endpoint")
  void publishRefusals() throws Exception {
    String arn = create(GCM_APP, "tok-x");
    assertThatThrownBy(() -> sns.publish(r -> r.targetArn(arn).messageStructure("json").message("{\"GCM\":\"{}\"}"))
        .join()).hasCauseInstanceOf(InvalidParameterException.class);
    assertThatThrownBy(() -> sns.publish(r -> r.targetArn(arn + "-gone").message("hi")).join())
        .hasCauseInstanceOf(InvalidParameterException.class);
    HttpResponse<String> disabled = send("POST", "/_local/endpoints/disable",
        new JsonObject().put("endpointArn", arn).encode());
    assertThat(disabled.statusCode()).isEqualTo(204);
    Throwable e = catchCause(() -> sns.publish(r -> r.targetArn(arn).message("hi")).join());
    assertThat(e).isInstanceOf(EndpointDisabledException.class);
    assertThat(((SnsException) e).statusCode()).isEqualTo(400);
    assertThat(new JsonObject(send("GET", "/_local/publishes", null).body()).getJsonArray("publishes")).isEmpty();
  }

  @Test
  @DisplayName("queued faults refuse the next calls with Throttled 429 and InternalError 500, then calls succeed")
  void faults() throws Exception {
    String arn = create(GCM_APP, "tok-f");
    assertThat(send("POST", "/_local/faults", "{\"status\":429,\"count\":1}").statusCode()).isEqualTo(200);
    assertThat(send("POST", "/_local/faults", "{\"status\":500,\"count\":1}").statusCode()).isEqualTo(200);
    Throwable throttled = catchCause(() -> sns.publish(r -> r.targetArn(arn).message("hi")).join());
    assertThat(throttled).isInstanceOf(ThrottledException.class);
    assertThat(((SnsException) throttled).statusCode()).isEqualTo(429);
    assertThat(((SnsException) throttled).isThrottlingException()).isTrue();
    Throwable failed = catchCause(() -> sns.publish(r -> r.targetArn(arn).message("hi")).join());
    assertThat(failed).isInstanceOf(InternalErrorException.class);
    assertThat(((SnsException) failed).statusCode()).isEqualTo(500);
    assertThat(sns.publish(r -> r.targetArn(arn).message("hi")).join().messageId()).isNotBlank();
    assertThat(send("POST", "/_local/faults", "{\"status\":418,\"count\":1}").statusCode()).isEqualTo(400);
    assertThat(send("POST", "/_local/faults", "{\"status\":429,\"count\":1,\"x\":1}").statusCode()).isEqualTo(400);
  }

  @Test
  @DisplayName("DeleteEndpoint removes the endpoint and is idempotent; unsupported actions are InvalidAction")
  void deleteAndUnsupported() {
    String arn = create(GCM_APP, "tok-d");
    sns.deleteEndpoint(r -> r.endpointArn(arn)).join();
    sns.deleteEndpoint(r -> r.endpointArn(arn)).join();
    assertThat(catchCause(() -> sns.getEndpointAttributes(r -> r.endpointArn(arn)).join()))
        .isInstanceOf(NotFoundException.class);
    Throwable e = catchCause(() -> sns.listTopics().join());
    assertThat(((SnsException) e).awsErrorDetails().errorCode()).isEqualTo("InvalidAction");
  }

  @Test
  @DisplayName("an unsigned request is refused with MissingAuthenticationToken 403")
  void unsignedRefused() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/"))
        .header("content-type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("Action=Publish&Version=2010-03-31")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("<Code>MissingAuthenticationToken</Code>");
  }

  private static String create(String app, String token) {
    return sns.createPlatformEndpoint(r -> r.platformApplicationArn(app).token(token)).join().endpointArn();
  }

  private static Throwable catchCause(Runnable call) {
    try {
      call.run();
    } catch (CompletionException e) {
      return e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
