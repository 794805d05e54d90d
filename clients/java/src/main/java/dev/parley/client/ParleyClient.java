package dev.parley.client;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * A Parley device connection (docs/protocol.md): connects to one of several gateways and fails over to the next
 * when the socket drops; sends with a clientMsgId and re-sends every unacknowledged send after a reconnect (and
 * periodically while waiting), which the server de-duplicates; delivers each channel's messages to the handler in
 * seq order exactly once, each verified against the hash chain, filling any gap from history. All state lives on
 * one Vert.x context; public methods may be called from any thread.
 */
public final class ParleyClient {
  private static final long RESEND_AFTER_MS = 5_000;

  /**
   * Where to connect and as whom. With an empty {@code gatewayUrls} the client asks service discovery
   * ({@code GET /v1/gateway} on {@code restBaseUrl}) before every connect, so after losing a gateway it lands on
   * one that is alive and not draining; with URLs it cycles through them.
   */
  public record Options(List<String> gatewayUrls, String restBaseUrl, UUID userId, UUID deviceId, String accessToken) {
  }

  private final Vertx vertx;
  private final WebClient web;
  private final Context ctx;
  private final Options options;
  private final RestApi rest;
  private final TokenRefresher tokens;
  private final Connection connection;
  private final Outbox outbox;
  private final Inbox inbox;
  private final List<JsonObject> errors = new CopyOnWriteArrayList<>();
  private Consumer<JsonObject> frameListener = f -> { };
  private Promise<Void> firstReady = Promise.promise();
  private Consumer<Message> messageHandler = m -> { };
  private BiConsumer<Message, Throwable> undecryptableHandler = (m, err) -> { };
  private Path e2eeDir;
  private E2ee e2ee;

  private ParleyClient(Vertx vertx, Options options, WebClient web) {
    this.vertx = vertx;
    this.web = web;
    this.ctx = vertx.getOrCreateContext();
    this.options = options;
    this.rest = new RestApi(web, options.restBaseUrl());
    this.inbox = new Inbox(vertx, rest, options.accessToken(), options.deviceId());
    this.tokens = new TokenRefresher(vertx, options.deviceId(), options.accessToken(), inbox::token);
    this.connection = new Connection(vertx, options, rest, tokens, this::onFrame);
    this.outbox = new Outbox(vertx, RESEND_AFTER_MS, connection::write);
    inbox.handler = m -> {
      if (e2ee == null) {
        messageHandler.accept(m);
      } else {
        e2ee.inbound.offer(m);
      }
    };
  }

  public static ParleyClient create(Vertx vertx, Options options) {
    return new ParleyClient(vertx, options, WebClient.create(vertx));
  }

  /**
   * Like {@link #create(Vertx, Options)}, but the REST calls (history, gateway assignment) go through {@code web},
   * which many clients may share: a process holding thousands of devices (a load generator) then keeps one HTTP
   * connection pool instead of one per device. The client never closes {@code web}.
   */
  public static ParleyClient create(Vertx vertx, Options options, WebClient web) {
    return new ParleyClient(vertx, options, web);
  }

  /**
   * Sets the handler of verified, in-order messages (called on the client's context). With E2EE on, application
   * messages arrive decrypted and commits are not shown.
   */
  public ParleyClient onMessage(Consumer<Message> handler) {
    this.messageHandler = handler;
    return this;
  }

  /**
   * Turns end-to-end encryption on (call before {@link #connect}): the device's MLS state lives in {@code stateDir}
   * (created if absent; one directory per device), every application message is sent as an MLS PrivateMessage and
   * received decrypted. See {@link #e2ee()} for groups, members and safety numbers.
   */
  public ParleyClient enableE2ee(Path stateDir) {
    this.e2eeDir = stateDir;
    return this;
  }

  /** The E2EE side of the client (after {@link #connect} completed with E2EE enabled), else null. */
  public E2ee e2ee() {
    return e2ee;
  }

  /** Sees every message this device cannot decrypt (sent before it joined, after its removal, or forged). */
  public ParleyClient onUndecryptable(BiConsumer<Message, Throwable> handler) {
    this.undecryptableHandler = handler;
    return this;
  }

  /** Sees every frame the gateway sends, before any processing (diagnostics and tests). */
  public ParleyClient onFrame(Consumer<JsonObject> listener) {
    this.frameListener = listener;
    return this;
  }

  /** Sees every failed connect attempt (refused upgrade, timeout, no gateway assigned), before the retry. */
  public ParleyClient onConnectFailure(Consumer<Throwable> listener) {
    connection.connectFailureListener = listener;
    return this;
  }

  /** Sees every socket that closed, with its close code (-1: none), before any reconnect. */
  public ParleyClient onSocketClosed(IntConsumer listener) {
    connection.closeListener = listener;
    return this;
  }

  /**
   * Keeps the socket open past its access token's expiry (docs/protocol.md, "Token expiry"): at 80 % of the current
   * token's remaining lifetime the client takes a new one from {@code freshToken} (e.g. {@link RestApi#refresher}),
   * sends it in an {@code auth} frame and uses it from then on, for reconnects and history too. Without it the
   * gateway closes the socket with 4005 when the token expires.
   */
  public ParleyClient refreshTokensWith(Supplier<Future<String>> freshToken) {
    tokens.source(freshToken);
    return this;
  }

  /** The access token the client uses now (changes when it refreshed). */
  public String accessToken() {
    return tokens.token();
  }

  public ParleyClient onChainViolation(Consumer<Throwable> handler) {
    inbox.violationHandler = handler;
    return this;
  }

  /** Connects; completes at the first {@code ready}. Later drops reconnect on their own until {@link #close}. */
  public Future<Void> connect() {
    return onCtx(() -> openE2ee().compose(v -> {
      connection.dial();
      return firstReady.future();
    }));
  }

  private Future<Void> openE2ee() {
    if (e2eeDir == null || e2ee != null) {
      return Future.succeededFuture();
    }
    return E2ee.open(vertx, ctx, web, options, e2eeDir, outbox, inbox).map(opened -> {
      e2ee = opened;
      e2ee.inbound.handler = m -> messageHandler.accept(m);
      e2ee.inbound.undecryptable = (m, err) -> undecryptableHandler.accept(m, err);
      return null;
    });
  }


  /** Sends with a fresh clientMsgId; completes with the ack (after any number of reconnects). */
  public Future<Ack> send(UUID channelId, String kind, byte[] payload) {
    return send(channelId, UUID.randomUUID().toString(), kind, payload);
  }

  /** With E2EE on, an {@code application} payload is the plaintext: it is encrypted for the channel's group. */
  public Future<Ack> send(UUID channelId, String clientMsgId, String kind, byte[] payload) {
    return onCtx(() -> e2ee != null && "application".equals(kind)
        ? e2ee.outbound.send(channelId, clientMsgId, payload)
        : outbox.send(channelId, clientMsgId, kind, payload));
  }

  /** Writes any text frame as is (tests of the server's refusals). */
  public Future<Void> sendRaw(String text) {
    return onCtx(() -> connection.writeAny(text) ? Future.succeededFuture() : Future.failedFuture("not connected"));
  }

  /** Starts tracking a channel from a known position (default: from its beginning). */
  public Future<Void> track(UUID channelId, long lastSeq, byte[] lastHash) {
    return onCtx(() -> {
      inbox.track(channelId, lastSeq, lastHash);
      return Future.succeededFuture();
    });
  }

  /** Fetches and delivers whatever the channel has beyond what this device has seen. */
  public Future<Void> sync(UUID channelId) {
    return onCtx(() -> inbox.sync(channelId));
  }

  /** Error frames received (for diagnostics and tests). */
  public List<JsonObject> errors() {
    return errors;
  }

  public int connects() {
    return connection.connects();
  }

  public String gatewayNode() {
    return connection.gatewayNode();
  }

  public Future<Integer> pendingCount() {
    return onCtx(() -> Future.succeededFuture(outbox.size()));
  }

  /**
   * Drops the current socket as a network failure would: the client reconnects on its own, re-sends what is
   * unacknowledged and syncs its channels (reconnect-storm tests). A no-op while no socket is open.
   */
  public Future<Void> disconnect() {
    return onCtx(connection::drop);
  }

  public Future<Void> close() {
    return onCtx(connection::close);
  }

  /** The close code of the last socket that closed (-1: none, or closed without a code). */
  public int lastCloseCode() {
    return connection.lastCloseCode();
  }

  private void onFrame(String text) {
    JsonObject f = new JsonObject(text);
    frameListener.accept(f);
    if (e2ee != null && e2ee.onFrame(f)) {
      return;
    }
    switch (f.getString("type", "")) {
      case "ready" -> onReady(f);
      case "ack" -> onAck(f);
      case "msg" -> inbox.offer(Message.fromJson(f));
      case "error" -> onError(f);
      case "auth.ok" -> tokens.schedule(-1, connection::writeAny);
      default -> { }
    }
  }

  private void onReady(JsonObject f) {
    connection.readied(f, () -> outbox.resendStale(System.currentTimeMillis()));
    outbox.transmitAll();
    inbox.syncAll();
    if (e2ee != null) {
      e2ee.connected();
    }
    tokens.schedule(-1, connection::writeAny);
    firstReady.tryComplete();
  }

  private void onAck(JsonObject f) {
    Message own = outbox.onAck(f, options.userId(), options.deviceId());
    if (own != null) {
      inbox.offer(own);
    }
  }

  private void onError(JsonObject f) {
    errors.add(f);
    outbox.onError(f);
  }

  private <T> Future<T> onCtx(Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    ctx.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }

  /** Snapshot of the channels' last seqs (diagnostics). */
  public Future<Map<UUID, Long>> lastSeqs() {
    return onCtx(() -> Future.succeededFuture(inbox.lastSeqs()));
  }
}
