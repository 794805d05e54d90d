package dev.parley.client;

import dev.parley.client.e2ee.ChannelStates;
import dev.parley.mls.ChannelSession;
import dev.parley.mls.PendingCommit;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Base64;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Sends on an E2EE channel: application messages encrypted in the channel's current epoch, and commits built on it.
 * The Delivery Service refuses anything built on an old epoch ({@code stale_epoch}, docs/e2ee.md): the client then
 * catches up on the channel's log — applying the commits it missed — and re-encrypts (or rebuilds the commit, if the
 * change is still needed) and resends, a bounded number of times. A send refused {@code mls_removal_pending} first
 * commits the removal of the stray leaves. Lives on the client's context.
 */
final class E2eeOutbound {
  static final int ATTEMPTS = 8;
  private static final long CATCH_UP_PAUSE_MS = 150;

  private final Vertx vertx;
  private final ChannelStates states;
  private final Outbox outbox;
  private final Inbox inbox;
  private final E2eeInbound inbound;
  private final java.util.Map<UUID, Future<Void>> commitFlows = new java.util.HashMap<>();
  /** Commits the removal of stray leaves (members removed, devices deleted): set by {@link E2eeMembership}. */
  Function<UUID, Future<Void>> removeStrays = channel -> Future.succeededFuture();
  /** Makes sure this device has a session for a channel before it sends there. */
  Function<UUID, Future<Void>> ensureSession = channel -> Future.succeededFuture();

  E2eeOutbound(Vertx vertx, ChannelStates states, Outbox outbox, Inbox inbox, E2eeInbound inbound) {
    this.vertx = vertx;
    this.states = states;
    this.outbox = outbox;
    this.inbox = inbox;
    this.inbound = inbound;
  }

  /** Encrypts {@code plaintext} and sends it; completes with the ack. */
  Future<Ack> send(UUID channelId, String clientMsgId, byte[] plaintext) {
    inbound.sending(clientMsgId, plaintext);
    return attempt(1, channelId, () -> ensureSession.apply(channelId)
        .compose(v -> states.encrypt(channelId, plaintext))
        .compose(ciphertext -> outbox.send(channelId, clientMsgId, "application", ciphertext)));
  }

  /**
   * Builds a commit with {@code change} on the current epoch and sends it, until it is accepted and applied, or
   * {@code change} answers null (nothing to do any more, e.g. another device already made the change).
   */
  Future<Void> commit(UUID channelId, Function<ChannelSession, PendingCommit> change) {
    // One commit flow per channel at a time: a second build would replace the pending commit of the first, whose
    // echo on the log would then not match and fork this device off the group.
    Future<Void> previous = commitFlows.getOrDefault(channelId, Future.succeededFuture());
    Future<Void> flow = previous.transform(ar -> commitNow(channelId, change));
    Future<Void> settled = flow.otherwiseEmpty();
    commitFlows.put(channelId, settled);
    settled.onComplete(ar -> commitFlows.remove(channelId, settled));
    return flow;
  }

  private Future<Void> commitNow(UUID channelId, Function<ChannelSession, PendingCommit> change) {
    return attempt(1, channelId, () -> states.build(channelId, change).compose(built -> built == null
        ? Future.succeededFuture()
        : sendCommit(channelId, "k-" + UUID.randomUUID(), built.commit(), built.welcome(), built.groupInfo(),
            built.ratchetTree()).compose(ack -> catchUp(channelId, built.epoch()))));
  }

  /** Sends a commit frame (docs/e2ee.md §3); completes with the ack. */
  Future<Ack> sendCommit(UUID channelId, String clientMsgId, byte[] commit, byte[] welcome, byte[] groupInfo,
                         byte[] ratchetTree) {
    JsonObject extra = new JsonObject().put("groupInfo", b64(groupInfo)).put("ratchetTree", b64(ratchetTree));
    if (welcome != null) {
      extra.put("welcome", b64(welcome));
    }
    return outbox.send(channelId, clientMsgId, "commit", commit, extra);
  }

  private <T> Future<T> attempt(int n, UUID channelId, Supplier<Future<T>> action) {
    return action.get().recover(err -> {
      if (!(err instanceof SendRefused refused) || n >= ATTEMPTS) {
        return Future.failedFuture(err);
      }
      return switch (refused.code()) {
        case "stale_epoch" -> catchUp(channelId, refused.epoch()).compose(v -> attempt(n + 1, channelId, action));
        case "mls_removal_pending" -> removeStrays.apply(channelId).compose(v -> attempt(n + 1, channelId, action));
        default -> Future.failedFuture(err);
      };
    });
  }

  /**
   * Applies the channel's log until this device's session reaches {@code epoch} (or has none: a lost creation race
   * or a removal ended it). The log may not show the newest commit at once, so it looks a few times.
   */
  Future<Void> catchUp(UUID channelId, long epoch) {
    return catchUp(channelId, epoch, 1);
  }

  private Future<Void> catchUp(UUID channelId, long epoch, int round) {
    return waitTick().compose(v -> inbound.drained(channelId)).compose(v -> {
      long now = states.epoch(channelId);
      if (now < 0 || now >= epoch || round >= 20) {
        return Future.succeededFuture();
      }
      return inbox.sync(channelId).compose(s -> inbound.drained(channelId))
          .compose(s -> states.epoch(channelId) >= epoch ? Future.succeededFuture() : pause())
          .compose(s -> catchUp(channelId, epoch, round + 1));
    });
  }

  /** One turn of the context: an ack's own echo is offered to the inbox right after the ack completes the send. */
  private Future<Void> waitTick() {
    Promise<Void> p = Promise.promise();
    vertx.runOnContext(v -> p.complete());
    return p.future();
  }

  private Future<Void> pause() {
    Promise<Void> p = Promise.promise();
    vertx.setTimer(CATCH_UP_PAUSE_MS, t -> p.complete());
    return p.future();
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
