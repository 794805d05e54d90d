package dev.parley.shared.config;

import dev.parley.shared.deps.Dependency;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The whole node configuration, parsed once at start-up into immutable records. Built only through
 * {@link #from(ConfigReader)}, which fails with a {@link ConfigException} naming the first bad key.
 */
public record ParleyConfig(NodeConfig node, PgConfig pg, RedisConfig redis, CassandraConfig cassandra,
                           KafkaConfig kafka, EtcdConfig etcd, AuthConfig auth, ApiConfig api,
                           GatewayConfig gateway, MessageConfig message, DiscoveryConfig discovery,
                           PresenceConfig presence, ChatConfig chats, PushConfig push,
                           MediaConfig media, MlsConfig mls, WebConfig web, EdgeConfig edge) {

  public record NodeConfig(String id, Set<Role> roles, String region, String opsHost, int opsPort,
                           int dependencyTimeoutMs) {
  }

  public record PgConfig(String host, int port, String database, String user, String password, int poolSize) {
    public String jdbcUrl() {
      return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }
  }

  /**
   * {@code maxWaiting}: requests that may wait for a pooled connection before new ones fail at once. It is memory
   * only (one pending request each) and must absorb bursts such as a reconnect storm of every device of a gateway
   * (each connect checks revocation and registers a session).
   */
  public record RedisConfig(String url, int poolSize, int maxWaiting) {
  }

  /**
   * Cassandra: where it is, the keyspace and its replication, and the layout of the messages table
   * ({@code messageBucketSize} seqs per partition), which its writer (message role) and its readers (the api role's
   * history) must agree on.
   */
  public record CassandraConfig(List<String> contactPoints, String localDatacenter, String keyspace,
                                int replicationFactor, int messageBucketSize) {
  }

  /**
   * {@code consumerSessionTimeoutMs}: how long the group coordinator waits for a silent consumer (a killed message
   * or push node) before moving its partitions; it must be at least the broker's {@code group.min.session.timeout.ms}
   * (docs/reliability.md, "Message nodes").
   */
  public record KafkaConfig(String bootstrapServers, String messagesTopic, int messagesPartitions,
                            String notificationsTopic, int notificationsPartitions, int replicationFactor,
                            int consumerSessionTimeoutMs) {
  }

  public record EtcdConfig(List<String> endpoints, String keyPrefix) {
  }

  /**
   * Access-token settings. {@code keysDir} holds {@code <kid>.public.pem} files (and, on api nodes, the signing
   * key's {@code <kid>.private.pem}); see {@code dev.parley.shared.auth.JwtKeys}.
   */
  public record AuthConfig(String issuer, String audience, int accessTokenTtlSeconds, int clockSkewSeconds,
                           String keysDir, String signingKeyId, int refreshTokenTtlDays, int maxDevicesPerUser,
                           PasswordHashingConfig passwordHashing) {
  }

  /**
   * Argon2id cost (RFC 9106). {@code memoryKib}/{@code iterations}/{@code parallelism} are written into each stored
   * hash, so raising them affects new hashes only; {@code threads} bounds how many hashes run at once (each holds
   * {@code memoryKib} of heap), so it is also the memory budget of password hashing.
   */
  public record PasswordHashingConfig(int memoryKib, int iterations, int parallelism, int threads) {
  }

  /**
   * The REST API (api role): listening address, request body limit, the group member limit and the abuse limits
   * of signup and login.
   */
  public record ApiConfig(String host, int port, int maxBodyBytes, int maxChannelMembers, RateLimitConfig rateLimit) {
  }

  /**
   * Fixed-window limits in Redis. Past a limit every further attempt doubles the wait (from {@code windowSeconds}
   * up to {@code maxBackoffSeconds}). Login is limited per address, per (account, address) pair and, for addresses
   * that have not logged in to the account within {@code knownAddressDays}, by the higher per-account ceiling
   * {@code loginPerAccount}; a successful login clears its pair's counter and makes the address known.
   */
  public record RateLimitConfig(int windowSeconds, int maxBackoffSeconds, int loginPerAccount,
                                int loginPerAccountAndAddress, int loginPerAddress, int signupPerAddress,
                                int knownAddressDays) {
  }

  /**
   * The WebSocket gateway (gateway role): listening address, the URL clients are told to connect to, frame and
   * payload limits, the per-device send rate (token bucket), the outbound queue bound per socket, the session
   * registry TTL, the idle timeout and the membership cache lifetime.
   */
  public record GatewayConfig(String host, int port, String publicUrl, int maxFrameBytes, int maxPayloadBytes,
                              int sendRatePerSecond, int sendBurst, int outboundQueueBytes, int sessionTtlSeconds,
                              int idleTimeoutSeconds, int membershipCacheSeconds) {
  }

  /**
   * The message role: Kafka consumer group and poll size, the worker id of the msgId generator (-1 = derived from
   * the node id), the member cache lifetime and how long a send's dedup row lives ({@code dedupTtlSeconds}: a resend
   * of the same clientMsgId later than that is stored as a new message; it must exceed every client's resend window).
   */
  public record MessageConfig(String consumerGroup, int maxPollRecords, int workerId, int memberCacheSeconds,
                              int dedupTtlSeconds) {
  }

  /**
   * Presence: the heartbeat interval told to clients, the grace period (interval x graceFactor) before a silent
   * device counts as gone, the sweep cadence, the per-device subscription cap, the gateways' batching period,
   * and where the presence role serves gRPC.
   */
  public record PresenceConfig(String host, int port, int heartbeatIntervalSeconds, double graceFactor,
                               int sweepIntervalMs, int sweepBatch, int maxSubscriptionsPerDevice, int reportFlushMs) {
    public long graceMs() {
      return Math.round(heartbeatIntervalSeconds * 1000L * graceFactor);
    }
  }

  /**
   * Service discovery: where the discovery role serves gRPC, how gateways register in etcd (lease TTL, refresh
   * period, declared capacity), when a gateway counts as overloaded, and the deadline of calls to discovery.
   */
  public record DiscoveryConfig(String host, int port, int leaseTtlSeconds, int refreshMs, int gatewayCapacity,
                                int maxEventLoopLagMs, int callTimeoutMs) {
  }

  /**
   * Chat list, read state, receipts and typing (docs/protocol.md, "Chats"): receipts are sent in channels of at most
   * {@code receiptsMaxGroupSize} members; per-socket token buckets for {@code typing} and for {@code read}/
   * {@code delivered} frames; how long a user's chat index counts as reconciled with the membership table; the
   * largest chat-list page.
   */
  public record ChatConfig(int receiptsMaxGroupSize, int typingRatePerSecond, int typingBurst, int stateRatePerSecond,
                           int stateBurst, int indexSyncSeconds, int maxPageSize) {
  }

  /**
   * Push through AWS SNS (docs/push.md): the region, the platform application ARN of each platform (empty: that
   * platform is not offered), an optional endpoint override (the local SNS stand-in; empty = real SNS), the push
   * role's consumer group and poll size, the coalescing window per device and channel, the per-node limit of
   * publishes in flight, the bounded retry with exponential backoff, whether a push may name the sender (off by
   * default: a lock screen then shows who wrote) and the neutral text. Credentials never appear here: the SDK's
   * default provider chain finds them (environment, profile, instance role).
   */
  public record PushConfig(String region, String endpointOverride, String apnsApplicationArn,
                           String apnsSandboxApplicationArn, String fcmApplicationArn, String consumerGroup,
                           int maxPollRecords, int coalesceWindowMs, int maxConcurrentPublishes, int maxAttempts,
                           int backoffBaseMs, int backoffMaxMs, int publishTimeoutMs, boolean showSenderName,
                           String neutralText) {
  }

  /** The services this node's roles need; {@code /ready} reports exactly these. */
  public Set<Dependency> dependencies() {
    return Role.dependenciesOf(node.roles());
  }

  public static ParleyConfig from(ConfigReader r) {
    NodeConfig node = node(r);
    PgConfig pg = new PgConfig(r.string("pg.host"), r.integer("pg.port", 1, 65535), r.string("pg.database"),
        r.string("pg.user"), r.optionalString("pg.password"), r.integer("pg.poolSize", 1, 256));
    if (Role.dependenciesOf(node.roles()).contains(Dependency.POSTGRES) && pg.password().isEmpty()) {
      throw new ConfigException("config key 'pg.password' is empty: set environment variable "
          + EnvOverlay.envName("pg.password") + " (scripts/infra env prints it for the local database)");
    }
    RedisConfig redis = new RedisConfig(r.string("redis.url"), r.integer("redis.poolSize", 1, 256),
        r.integer("redis.maxWaiting", 1, 1_000_000));
    if (!redis.url().startsWith("redis://") && !redis.url().startsWith("rediss://")) {
      throw ConfigReader.invalid("redis.url", "a redis:// or rediss:// URL", redis.url());
    }
    CassandraConfig cassandra = new CassandraConfig(hostPorts(r, "cassandra.contactPoints"),
        r.string("cassandra.localDatacenter"), identifier(r, "cassandra.keyspace"),
        r.integer("cassandra.replicationFactor", 1, 9), r.integer("cassandra.messageBucketSize", 1, 10_000_000));
    KafkaConfig kafka = new KafkaConfig(r.string("kafka.bootstrapServers"), r.string("kafka.messagesTopic"),
        r.integer("kafka.messagesPartitions", 12, 10_000), r.string("kafka.notificationsTopic"),
        r.integer("kafka.notificationsPartitions", 1, 10_000), r.integer("kafka.replicationFactor", 1, 9),
        r.integer("kafka.consumerSessionTimeoutMs", 1_000, 300_000));
    EtcdConfig etcd = new EtcdConfig(urls(r, "etcd.endpoints"), r.string("etcd.keyPrefix"));
    AuthConfig auth = new AuthConfig(r.string("auth.issuer"), r.string("auth.audience"),
        r.integer("auth.accessTokenTtlSeconds", 30, 86_400), r.integer("auth.clockSkewSeconds", 0, 60),
        r.optionalString("auth.keysDir"),
        r.optionalString("auth.signingKeyId"), r.integer("auth.refreshTokenTtlDays", 1, 365),
        r.integer("auth.maxDevicesPerUser", 1, 1_000), new PasswordHashingConfig(
            r.integer("auth.passwordHashing.memoryKib", 1_024, 4_194_304),
            r.integer("auth.passwordHashing.iterations", 1, 100),
            r.integer("auth.passwordHashing.parallelism", 1, 64),
            r.integer("auth.passwordHashing.threads", 1, 256)));
    if ((node.roles().contains(Role.API) || node.roles().contains(Role.GATEWAY)) && auth.keysDir().isBlank()) {
      throw new ConfigException("config key 'auth.keysDir' is empty: the api and gateway roles need the access-token "
          + "keys; set environment variable " + EnvOverlay.envName("auth.keysDir")
          + " (scripts/nodes generates a local key pair under .parley/secrets/jwt)");
    }
    ApiConfig api = new ApiConfig(r.string("api.host"), r.integer("api.port", 0, 65535),
        r.integer("api.maxBodyBytes", 1_024, 16_777_216), r.integer("api.maxChannelMembers", 2, 100_000),
        new RateLimitConfig(r.integer("api.rateLimit.windowSeconds", 1, 86_400),
            r.integer("api.rateLimit.maxBackoffSeconds", 1, 86_400),
            r.integer("api.rateLimit.loginPerAccount", 1, 1_000_000),
            r.integer("api.rateLimit.loginPerAccountAndAddress", 1, 1_000_000),
            r.integer("api.rateLimit.loginPerAddress", 1, 1_000_000),
            r.integer("api.rateLimit.signupPerAddress", 1, 1_000_000),
            r.integer("api.rateLimit.knownAddressDays", 1, 3_650)));
    GatewayConfig gateway = new GatewayConfig(r.string("gateway.host"), r.integer("gateway.port", 0, 65535),
        r.string("gateway.publicUrl"), r.integer("gateway.maxFrameBytes", 1_024, 16_777_216),
        r.integer("gateway.maxPayloadBytes", 1, 16_777_216), r.integer("gateway.sendRatePerSecond", 1, 100_000),
        r.integer("gateway.sendBurst", 1, 100_000), r.integer("gateway.outboundQueueBytes", 1_024, 1_073_741_824),
        r.integer("gateway.sessionTtlSeconds", 5, 86_400), r.integer("gateway.idleTimeoutSeconds", 5, 86_400),
        r.integer("gateway.membershipCacheSeconds", 1, 86_400));
    if (!gateway.publicUrl().matches("wss?://\\S+")) {
      throw ConfigReader.invalid("gateway.publicUrl", "a ws:// or wss:// URL", gateway.publicUrl());
    }
    DiscoveryConfig discovery = new DiscoveryConfig(r.string("discovery.host"), r.integer("discovery.port", 0, 65535),
        r.integer("discovery.leaseTtlSeconds", 2, 300), r.integer("discovery.refreshMs", 100, 60_000),
        r.integer("discovery.gatewayCapacity", 1, 10_000_000), r.integer("discovery.maxEventLoopLagMs", 10, 60_000),
        r.integer("discovery.callTimeoutMs", 50, 60_000));
    if (discovery.refreshMs() >= discovery.leaseTtlSeconds() * 1000L) {
      throw new ConfigException("config key 'discovery.refreshMs' (" + discovery.refreshMs() + ") must be shorter than "
          + "'discovery.leaseTtlSeconds' (" + discovery.leaseTtlSeconds() + " s), or registrations expire between refreshes");
    }
    MessageConfig message = new MessageConfig(r.string("message.consumerGroup"),
        r.integer("message.maxPollRecords", 1, 100_000), r.integer("message.workerId", -1, 1_023),
        r.integer("message.memberCacheSeconds", 1, 86_400), r.integer("message.dedupTtlSeconds", 86_400, 630_720_000));
    PresenceConfig presence = new PresenceConfig(r.string("presence.host"), r.integer("presence.port", 0, 65535),
        r.integer("presence.heartbeatIntervalSeconds", 1, 3600), r.number("presence.graceFactor", 1.0, 10.0),
        r.integer("presence.sweepIntervalMs", 50, 60_000), r.integer("presence.sweepBatch", 1, 100_000),
        r.integer("presence.maxSubscriptionsPerDevice", 1, 100_000), r.integer("presence.reportFlushMs", 10, 10_000));
    ChatConfig chats = new ChatConfig(r.integer("chats.receiptsMaxGroupSize", 2, 100_000),
        r.integer("chats.typingRatePerSecond", 1, 1_000), r.integer("chats.typingBurst", 1, 1_000),
        r.integer("chats.stateRatePerSecond", 1, 10_000), r.integer("chats.stateBurst", 1, 10_000),
        r.integer("chats.indexSyncSeconds", 1, 86_400 * 7), r.integer("chats.maxPageSize", 1, 1_000));
    return new ParleyConfig(node, pg, redis, cassandra, kafka, etcd, auth, api, gateway, message, discovery, presence,
        chats, push(r), MediaConfig.from(r), MlsConfig.from(r), WebConfig.from(r), EdgeConfig.from(r));
  }

  private static final String APP_ARN = "arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:app/%s/[A-Za-z0-9_.-]{1,256}";

  private static PushConfig push(ConfigReader r) {
    String region = r.string("push.region");
    if (!region.matches("[a-z]{2}(-[a-z]+)+-\\d")) {
      throw ConfigReader.invalid("push.region", "an AWS region such as eu-west-1", region);
    }
    String override = r.optionalString("push.endpointOverride");
    if (!override.isEmpty() && !override.matches("https?://[^/\\s]+/?")) {
      throw ConfigReader.invalid("push.endpointOverride", "empty (real SNS) or an http(s)://host:port URL", override);
    }
    PushConfig push = new PushConfig(region, override,
        appArn(r, "push.apnsApplicationArn", "APNS"), appArn(r, "push.apnsSandboxApplicationArn", "APNS_SANDBOX"),
        appArn(r, "push.fcmApplicationArn", "GCM"), r.string("push.consumerGroup"),
        r.integer("push.maxPollRecords", 1, 100_000), r.integer("push.coalesceWindowMs", 0, 3_600_000),
        r.integer("push.maxConcurrentPublishes", 1, 10_000), r.integer("push.maxAttempts", 1, 20),
        r.integer("push.backoffBaseMs", 1, 60_000), r.integer("push.backoffMaxMs", 1, 600_000),
        r.integer("push.publishTimeoutMs", 100, 120_000), r.bool("push.showSenderName"), r.string("push.neutralText"));
    if (push.backoffMaxMs() < push.backoffBaseMs()) {
      throw new ConfigException("config key 'push.backoffMaxMs' (" + push.backoffMaxMs() + ") must not be below "
          + "'push.backoffBaseMs' (" + push.backoffBaseMs() + ")");
    }
    return push;
  }

  private static String appArn(ConfigReader r, String path, String platform) {
    String value = r.optionalString(path);
    if (!value.isEmpty() && !value.matches(String.format(APP_ARN, platform))) {
      throw ConfigReader.invalid(path, "empty or an SNS platform application ARN arn:aws:sns:<region>:<account>:app/"
          + platform + "/<name>", value);
    }
    return value;
  }

  private static NodeConfig node(ConfigReader r) {
    String id = r.string("node.id");
    if (!id.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
      throw ConfigReader.invalid("node.id", "1-63 characters of [A-Za-z0-9_.-]", id);
    }
    EnumSet<Role> roles = EnumSet.noneOf(Role.class);
    for (String name : r.stringList("node.roles")) {
      roles.add(Role.parse("node.roles", name));
    }
    return new NodeConfig(id, Set.copyOf(roles), r.string("node.region"), r.string("node.opsHost"),
        r.integer("node.opsPort", 1, 65535), r.integer("node.dependencyTimeoutMs", 100, 60_000));
  }

  private static List<String> hostPorts(ConfigReader r, String path) {
    List<String> values = r.stringList(path);
    for (String value : values) {
      int colon = value.lastIndexOf(':');
      if (colon <= 0 || !value.substring(colon + 1).matches("\\d{1,5}")) {
        throw ConfigReader.invalid(path, "host:port entries", value);
      }
    }
    return values;
  }

  private static List<String> urls(ConfigReader r, String path) {
    List<String> values = r.stringList(path);
    for (String value : values) {
      if (!value.matches("https?://[^/\\s]+(:\\d{1,5})?/?")) {
        throw ConfigReader.invalid(path, "http(s)://host:port URLs", value);
      }
    }
    return values;
  }

  private static String identifier(ConfigReader r, String path) {
    String value = r.string(path);
    if (!value.matches("[a-z][a-z0-9_]{0,47}")) {
      throw ConfigReader.invalid(path, "a lower-case CQL identifier", value);
    }
    return value;
  }
}
