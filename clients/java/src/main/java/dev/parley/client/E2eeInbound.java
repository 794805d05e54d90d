package dev.parley.client;

import dev.parley.client.e2ee.ChannelStates;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Turns the verified log (ciphertext, in seq order, from {@link Inbox}) into what the application sees: application
 * messages decrypted, commits applied to the channel's MLS session and not shown, own messages matched to the
 * plaintext kept at send time (MLS does not let a sender decrypt its own message). Each channel has one chain of
 * steps, so a commit is applied before any later message is decrypted even though both are asynchronous. What
 * cannot be decrypted (sent before this device joined, after it was removed, forged) goes to the undecryptable
 * listener, never to the message handler. Lives on the client's context.
 */
final class E2eeInbound {
  private static final Logger LOG = LoggerFactory.getLogger(E2eeInbound.class);

  private final ChannelStates states;
  private final UUID deviceId;
  private final Map<UUID, Future<Void>> chains = new HashMap<>();
  private final Map<String, byte[]> ownPlaintext = new HashMap<>();
  /** Joins a channel from its Welcomes when a message arrives for a channel without a session. */
  private java.util.function.Function<UUID, Future<Void>> joiner = channel -> Future.succeededFuture();
  Consumer<Message> handler = m -> { };
  BiConsumer<Message, Throwable> undecryptable = (m, err) -> { };

  E2eeInbound(ChannelStates states, UUID deviceId) {
    this.states = states;
    this.deviceId = deviceId;
  }

  void joiner(java.util.function.Function<UUID, Future<Void>> joiner) {
    this.joiner = joiner;
  }

  /** Keeps what this device sends under {@code clientMsgId}, to show it when the log echoes it. */
  void sending(String clientMsgId, byte[] plaintext) {
    ownPlaintext.put(clientMsgId, plaintext.clone());
  }

  void offer(Message m) {
    enqueue(m.channelId(), () -> process(m));
  }

  /** Runs {@code step} after everything queued for the channel so far; later messages wait for it. */
  Future<Void> enqueue(UUID channelId, Supplier<Future<Void>> step) {
    Promise<Void> done = Promise.promise();
    Future<Void> previous = chains.getOrDefault(channelId, Future.succeededFuture());
    Future<Void> next = previous.eventually(() -> guarded(step).onComplete(done));
    chains.put(channelId, next);
    next.onComplete(ar -> {
      if (chains.get(channelId) == next) {
        chains.remove(channelId);
      }
    });
    return done.future();
  }

  /** Completes once everything queued for the channel so far has been processed. */
  Future<Void> drained(UUID channelId) {
    return enqueue(channelId, Future::succeededFuture);
  }

  private static Future<Void> guarded(Supplier<Future<Void>> step) {
    try {
      return step.get().recover(err -> {
        LOG.warn("E2EE step failed: {}", err.toString());
        return Future.succeededFuture();
      });
    } catch (RuntimeException e) {
      LOG.warn("E2EE step failed: {}", e.toString());
      return Future.succeededFuture();
    }
  }

  private Future<Void> process(Message m) {
    return switch (m.kind()) {
      case "application" -> application(m);
      case "commit" -> commit(m);
      default -> {
        handler.accept(m);
        yield Future.succeededFuture();
      }
    };
  }

  private Future<Void> application(Message m) {
    if (m.own()) {
      byte[] plaintext = ownPlaintext.remove(m.clientMsgId());
      if (plaintext == null) {
        undecryptable.accept(m, new IllegalStateException("own message whose plaintext this process no longer holds"));
      } else {
        handler.accept(withPayload(m, plaintext));
      }
      return Future.succeededFuture();
    }
    Future<Void> joined = states.has(m.channelId()) ? Future.succeededFuture() : joiner.apply(m.channelId());
    return joined.compose(v -> states.decrypt(m.channelId(), m.payload())).map(d -> {
      if (!d.senderDevice().equals(m.senderDevice())) {
        throw new IllegalStateException("message signed by device " + d.senderDevice() + " but sent by "
            + m.senderDevice());
      }
      handler.accept(withPayload(m, d.plaintext()));
      return (Void) null;
    }).recover(err -> {
      undecryptable.accept(m, err);
      return Future.succeededFuture();
    });
  }

  private Future<Void> commit(Message m) {
    return states.handleCommit(m.channelId(), m.senderUser(), m.payload()).<Void>map(outcome -> {
      if (outcome.handled() != null && outcome.handled().removed()) {
        LOG.info("device {}: removed from channel {} at seq {}", deviceId, m.channelId(), m.seq());
      }
      return null;
    }).recover(err -> {
      // A refused commit leaves the session where it was; later messages of the new epoch will not decrypt.
      LOG.warn("device {}: commit at seq {} of channel {} refused: {}", deviceId, m.seq(), m.channelId(),
          err.toString());
      undecryptable.accept(m, err);
      return Future.succeededFuture();
    });
  }

  private static Message withPayload(Message m, byte[] plaintext) {
    return new Message(m.channelId(), m.seq(), m.msgId(), Arrays.copyOf(m.hash(), m.hash().length), m.senderUser(),
        m.senderDevice(), m.clientMsgId(), m.kind(), plaintext, m.ts(), m.own());
  }
}
