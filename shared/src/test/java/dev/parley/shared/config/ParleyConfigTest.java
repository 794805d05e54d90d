package dev.parley.shared.config;

import dev.parley.shared.deps.Dependency;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParleyConfigTest {

  private static JsonObject defaultsWithPassword() {
    JsonObject json = ConfigLoader.defaults();
    json.getJsonObject("pg").put("password", "secret");
    json.getJsonObject("auth").put("keysDir", "/etc/parley/jwt");
    return json;
  }

  private static ParleyConfig parse(JsonObject json) {
    return ParleyConfig.from(new ConfigReader(json));
  }

  @Test
  @DisplayName("the bundled defaults parse into typed records")
  void defaultsParse() {
    ParleyConfig config = parse(defaultsWithPassword());
    assertThat(config.kafka().messagesPartitions()).isGreaterThanOrEqualTo(12);
    assertThat(config.pg().jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/parley");
    assertThat(config.node().roles()).contains(Role.GATEWAY, Role.API);
    assertThat(config.dependencies()).containsExactlyInAnyOrder(Dependency.values());
  }

  @Test
  @DisplayName("a missing key fails start-up naming the key and its environment variable")
  void missingKey() {
    JsonObject json = defaultsWithPassword();
    json.getJsonObject("redis").remove("url");
    assertThatThrownBy(() -> parse(json)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'redis.url'").hasMessageContaining("PARLEY_REDIS_URL");
  }

  @Test
  @DisplayName("a port of the wrong type or range is refused with the key named")
  void badPort() {
    JsonObject json = defaultsWithPassword();
    json.getJsonObject("pg").put("port", "5432x");
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("'pg.port'").hasMessageContaining("5432x");
    json.getJsonObject("pg").put("port", 70000);
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("'pg.port'").hasMessageContaining("1 to 65535");
  }

  @Test
  @DisplayName("mls keys: not required by default, commit part limits, inbox and epochs kept; ranges checked")
  void mlsKeys() {
    JsonObject json = defaultsWithPassword();
    MlsConfig mls = parse(json).mls();
    assertThat(mls.required()).isFalse();
    assertThat(mls.maxRatchetTreeBytes()).isEqualTo(262_144);
    assertThat(mls.maxCommitBytes()).isEqualTo(65_536);
    assertThat(mls.welcomeInboxMax()).isEqualTo(100);
    assertThat(mls.keptEpochs()).isEqualTo(16);
    assertThat(mls.lowStockThreshold()).isEqualTo(10);
    assertThat(parse(json).gateway().maxFrameBytes()).isEqualTo(524_288);
    json.getJsonObject("mls").put("keptEpochs", 0);
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("'mls.keptEpochs'");
    json.getJsonObject("mls").put("keptEpochs", 16).put("required", "yes");
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("'mls.required'");
    json.getJsonObject("mls").put("required", true).remove("maxRatchetTreeBytes");
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("PARLEY_MLS_MAX_RATCHET_TREE_BYTES");
  }

  @Test
  @DisplayName("the Redis wait queue bound (redis.maxWaiting) is read and range-checked")
  void redisMaxWaiting() {
    JsonObject json = defaultsWithPassword();
    assertThat(parse(json).redis().maxWaiting()).isEqualTo(65_536);
    json.getJsonObject("redis").put("maxWaiting", 0);
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("'redis.maxWaiting'").hasMessageContaining("1 to 1000000");
    json.getJsonObject("redis").remove("maxWaiting");
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("'redis.maxWaiting'")
        .hasMessageContaining("PARLEY_REDIS_MAX_WAITING");
  }

  @Test
  @DisplayName("media keys: filesystem by default with a 100 MiB file limit; storage, limits, prefix and endpoint are checked")
  void mediaKeys() {
    JsonObject json = defaultsWithPassword();
    MediaConfig media = parse(json).media();
    assertThat(media.storage()).isEqualTo(MediaConfig.FILESYSTEM);
    assertThat(media.dataDir()).isEqualTo(".parley/media");
    assertThat(media.maxFileBytes()).isEqualTo(100 * 1024 * 1024);
    assertThat(media.quotaBytesPerUser()).isEqualTo(2048L * 1024 * 1024);
    assertThat(media.s3().presignSeconds()).isZero();

    json.getJsonObject("media").put("storage", "ftp");
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("'media.storage'").hasMessageContaining("PARLEY_MEDIA_STORAGE");
    json.getJsonObject("media").put("storage", "s3").put("maxFileBytes", -1);
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("'media.maxFileBytes'");
    json.getJsonObject("media").put("maxFileBytes", 104857600).put("quotaMiBPerUser", 10);
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("'media.quotaMiBPerUser'");
    json.getJsonObject("media").put("quotaMiBPerUser", 2048);
    json.getJsonObject("media").getJsonObject("s3").put("keyPrefix", "../x/");
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("'media.s3.keyPrefix'");
    json.getJsonObject("media").getJsonObject("s3").put("keyPrefix", "media/").put("endpoint", "localhost:9090");
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("'media.s3.endpoint'");
    json.getJsonObject("media").getJsonObject("s3").put("endpoint", "http://127.0.0.1:9090");
    assertThat(parse(json).media().s3().endpoint()).isEqualTo("http://127.0.0.1:9090");
    json.getJsonObject("media").remove("uploadTtlSeconds");
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("PARLEY_MEDIA_UPLOAD_TTL_SECONDS");
  }

  @Test
  @DisplayName("web keys: the app is off by default (empty root); connectSrc must be plain origins, never a CSP fragment")
  void webKeys() {
    JsonObject json = defaultsWithPassword();
    WebConfig web = parse(json).web();
    assertThat(web.enabled()).isFalse();
    assertThat(web.connectSrc()).containsExactly("ws://127.0.0.1:8091", "ws://127.0.0.1:8092");
    json.getJsonObject("web").put("root", "web/dist");
    assertThat(parse(json).web().enabled()).isTrue();
    json.getJsonObject("web").put("connectSrc", new io.vertx.core.json.JsonArray().add("ws://x:1; script-src *"));
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("'web.connectSrc'");
    json.getJsonObject("web").put("connectSrc", new io.vertx.core.json.JsonArray());
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("PARLEY_WEB_CONNECT_SRC");
  }

  @Test
  @DisplayName("the messages table's bucket size (cassandra.messageBucketSize, read by writer and history) is required")
  void messageBucketSize() {
    JsonObject json = defaultsWithPassword();
    assertThat(parse(json).cassandra().messageBucketSize()).isEqualTo(1000);
    json.getJsonObject("cassandra").put("messageBucketSize", 0);
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("'cassandra.messageBucketSize'");
    json.getJsonObject("cassandra").remove("messageBucketSize");
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("PARLEY_CASSANDRA_MESSAGE_BUCKET_SIZE");
  }

  @Test
  @DisplayName("edge keys: no trusted proxy, loopback origins, Origin-less clients allowed, no HSTS, admin off by default")
  void edgeKeys() {
    JsonObject json = defaultsWithPassword();
    EdgeConfig edge = parse(json).edge();
    assertThat(edge.trustedProxies()).isEmpty();
    assertThat(edge.allowedOrigins()).contains("http://127.0.0.1:8080");
    assertThat(edge.allowMissingOrigin()).isTrue();
    assertThat(edge.handshakeTimeoutSeconds()).isEqualTo(10);
    assertThat(edge.hstsMaxAgeSeconds()).isZero();
    assertThat(edge.opsAdminToken()).isEmpty();
    assertThat(edge.opsAdminRemote()).isFalse();
    JsonObject e = json.getJsonObject("edge");
    e.put("trustedProxies", new io.vertx.core.json.JsonArray().add("10.0.0.0/8").add("proxy.example"));
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("'edge.trustedProxies'")
        .hasMessageContaining("PARLEY_EDGE_TRUSTED_PROXIES");
    e.put("trustedProxies", new io.vertx.core.json.JsonArray().add("10.0.0.0/8").add("::1"));
    assertThat(parse(json).edge().trustedProxies()).containsExactly("10.0.0.0/8", "::1");
    e.put("allowedOrigins", new io.vertx.core.json.JsonArray().add("https://*.example.com"));
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("'edge.allowedOrigins'");
    e.put("allowedOrigins", new io.vertx.core.json.JsonArray().add("https://chat.example.com/app"));
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("'edge.allowedOrigins'");
    e.put("allowedOrigins", new io.vertx.core.json.JsonArray());
    e.put("opsAdminToken", "short");
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("'edge.opsAdminToken'").hasMessageNotContaining("short");
    e.put("opsAdminToken", "a".repeat(EdgeConfig.MIN_TOKEN_LENGTH));
    assertThat(parse(json).edge().opsAdminToken()).hasSize(EdgeConfig.MIN_TOKEN_LENGTH);
    e.put("handshakeTimeoutSeconds", 0);
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("'edge.handshakeTimeoutSeconds'");
  }

  @Test
  @DisplayName("dedup rows live message.dedupTtlSeconds (30 days by default, at least one day)")
  void dedupTtl() {
    JsonObject json = defaultsWithPassword();
    assertThat(parse(json).message().dedupTtlSeconds()).isEqualTo(30 * 86_400);
    json.getJsonObject("message").put("dedupTtlSeconds", 3_600);
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("'message.dedupTtlSeconds'");
  }

  @Test
  @DisplayName("an unknown role is refused and the known roles are listed")
  void unknownRole() {
    JsonObject json = defaultsWithPassword();
    json.getJsonObject("node").put("roles", new JsonArray().add("gateway").add("gatway"));
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("unknown role 'gatway'").hasMessageContaining("gateway, api");
  }

  @Test
  @DisplayName("the message topic must have at least 12 partitions; the consumer session timeout at least 1 s")
  void tooFewPartitions() {
    JsonObject json = defaultsWithPassword();
    json.getJsonObject("kafka").put("messagesPartitions", 3);
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("'kafka.messagesPartitions'");
    json.getJsonObject("kafka").put("messagesPartitions", 12).put("consumerSessionTimeoutMs", 999);
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("'kafka.consumerSessionTimeoutMs'");
  }

  @Test
  @DisplayName("a node needing PostgreSQL without a password is refused, pointing at PARLEY_PG_PASSWORD")
  void missingPassword() {
    JsonObject json = ConfigLoader.defaults();
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("PARLEY_PG_PASSWORD");
    json.getJsonObject("node").put("roles", new JsonArray().add("discovery"));
    assertThat(parse(json).dependencies()).containsExactly(Dependency.ETCD);
  }

  @Test
  @DisplayName("api and gateway nodes without an access-token keys directory are refused, naming PARLEY_AUTH_KEYS_DIR")
  void missingKeysDir() {
    JsonObject json = defaultsWithPassword();
    json.getJsonObject("auth").put("keysDir", "");
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("PARLEY_AUTH_KEYS_DIR");
    json.getJsonObject("node").put("roles", new JsonArray().add("message"));
    assertThat(parse(json).auth().keysDir()).isEmpty();
  }

  @Test
  @DisplayName("the gateway's public URL must be a WebSocket URL")
  void badPublicUrl() {
    JsonObject json = defaultsWithPassword();
    json.getJsonObject("gateway").put("publicUrl", "http://x/ws");
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("'gateway.publicUrl'");
  }

  @Test
  @DisplayName("malformed contact points and endpoints are refused")
  void malformedAddresses() {
    JsonObject json = defaultsWithPassword();
    json.getJsonObject("cassandra").put("contactPoints", new JsonArray().add("127.0.0.1"));
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("'cassandra.contactPoints'");
    JsonObject json2 = defaultsWithPassword();
    json2.getJsonObject("etcd").put("endpoints", new JsonArray().add("127.0.0.1:2379"));
    assertThatThrownBy(() -> parse(json2)).hasMessageContaining("'etcd.endpoints'");
  }

  @Test
  @DisplayName("environment variables override the file, and the result is validated")
  void envOverridesValidated() {
    JsonObject merged = EnvOverlay.apply(defaultsWithPassword(), Map.of("PARLEY_NODE_OPS_PORT", "9200"));
    assertThat(parse(merged).node().opsPort()).isEqualTo(9200);
  }

  @Test
  @DisplayName("the api and auth limits (issue 3) parse, and a bad one is refused naming its key and variable")
  void apiAndAuthLimits() {
    ParleyConfig config = parse(defaultsWithPassword());
    assertThat(config.api().maxChannelMembers()).isEqualTo(1000);
    assertThat(config.auth().passwordHashing().memoryKib()).isGreaterThanOrEqualTo(19_456);
    assertThat(config.api().rateLimit().loginPerAccount()).isPositive();
    JsonObject json = defaultsWithPassword();
    json.getJsonObject("auth").getJsonObject("passwordHashing").put("memoryKib", 8);
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("'auth.passwordHashing.memoryKib'")
        .hasMessageContaining("PARLEY_AUTH_PASSWORD_HASHING_MEMORY_KIB");
    assertThat(config.auth().clockSkewSeconds()).isBetween(0, 5);
    JsonObject skew = defaultsWithPassword();
    skew.getJsonObject("auth").put("clockSkewSeconds", 61);
    assertThatThrownBy(() -> parse(skew)).hasMessageContaining("'auth.clockSkewSeconds'")
        .hasMessageContaining("PARLEY_AUTH_CLOCK_SKEW_SECONDS");
    JsonObject json2 = defaultsWithPassword();
    json2.getJsonObject("api").getJsonObject("rateLimit").remove("signupPerAddress");
    assertThatThrownBy(() -> parse(json2)).hasMessageContaining("'api.rateLimit.signupPerAddress'");
  }

  @Test
  @DisplayName("the push settings (issue 14) parse with sender names off, and bad ones are refused naming the key")
  void pushSettings() {
    ParleyConfig.PushConfig push = parse(defaultsWithPassword()).push();
    assertThat(push.showSenderName()).isFalse();
    assertThat(push.endpointOverride()).isEmpty();
    assertThat(push.fcmApplicationArn()).contains(":app/GCM/");
    assertThat(parse(defaultsWithPassword()).dependencies()).contains(Dependency.REDIS);
    JsonObject json = defaultsWithPassword();
    json.getJsonObject("push").put("apnsApplicationArn", "arn:aws:sns:us-east-1:000000000000:app/GCM/x");
    assertThatThrownBy(() -> parse(json)).hasMessageContaining("'push.apnsApplicationArn'");
    JsonObject json2 = defaultsWithPassword();
    json2.getJsonObject("push").put("endpointOverride", "localhost:9911");
    assertThatThrownBy(() -> parse(json2)).hasMessageContaining("'push.endpointOverride'");
    JsonObject json3 = defaultsWithPassword();
    json3.getJsonObject("push").put("backoffMaxMs", 10);
    assertThatThrownBy(() -> parse(json3)).hasMessageContaining("'push.backoffMaxMs'");
    JsonObject json4 = defaultsWithPassword();
    json4.getJsonObject("push").remove("showSenderName");
    assertThatThrownBy(() -> parse(json4)).hasMessageContaining("'push.showSenderName'")
        .hasMessageContaining("PARLEY_PUSH_SHOW_SENDER_NAME");
    JsonObject json5 = defaultsWithPassword();
    json5.getJsonObject("push").put("region", "mars");
    assertThatThrownBy(() -> parse(json5)).hasMessageContaining("'push.region'");
    JsonObject json6 = defaultsWithPassword();
    json6.getJsonObject("push").put("fcmApplicationArn", "");
    assertThat(parse(json6).push().fcmApplicationArn()).isEmpty();
  }
}
