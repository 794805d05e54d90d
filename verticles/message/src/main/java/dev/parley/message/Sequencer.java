package dev.parley.message;

import dev.parley.shared.ids.MsgIdGenerator;
import dev.parley.shared.message.ChainHash;
import dev.parley.shared.message.Envelope;
import dev.parley.shared.message.SendRecord;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Assigns each send its place in the channel's history: the next gapless seq, a fresh msgId and the chained hash,
 * then stores it (fenced by the conditional insert) — or recognises it as a retry of a send already stored.
 * Callers run the sends of one channel strictly one after another (the consumer loop does). Event-loop only.
 */
public final class Sequencer {
  private static final Logger LOG = LoggerFactory.getLogger(Sequencer.class);
  private static final int MAX_CONFLICTS = 3;
  private static final int MAX_CACHED_HEADS = 100_000;

  /** The stored message, and whether this send was a retry of one stored earlier (then nothing new was written). */
  public record Outcome(Envelope envelope, boolean duplicate) {
  }

  private final MessageStore store;
  private final MsgIdGenerator ids;
  private final Clock clock;
  private final Map<UUID, MessageStore.Head> heads = new LinkedHashMap<>(1_024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<UUID, MessageStore.Head> eldest) {
      return size() > MAX_CACHED_HEADS;
    }
  };

  public Sequencer(MessageStore store, MsgIdGenerator ids, Clock clock) {
    this.store = store;
    this.ids = ids;
    this.clock = clock;
  }

  /** Forgets every cached head (partitions moved: another writer may have advanced them). */
  public void forgetHeads() {
    heads.clear();
  }

  public Future<Outcome> process(SendRecord send) {
    return attempt(send, 0);
  }

  private Future<Outcome> attempt(SendRecord send, int conflicts) {
    return head(send.channelId())
        .compose(head -> store.findDuplicate(send.channelId(), send.senderDevice(), send.clientMsgId())
            .compose(dupSeq -> dupSeq != null ? duplicate(send, dupSeq) : append(send, head, conflicts)));
  }

  private Future<Outcome> duplicate(SendRecord send, long seq) {
    return store.read(send.channelId(), seq).compose(env -> env == null
        ? Future.failedFuture(new IllegalStateException("dedup row of channel " + send.channelId() + " points at seq "
            + seq + " which is not stored"))
        : Future.succeededFuture(new Outcome(env, true)));
  }

  private Future<Outcome> append(SendRecord send, MessageStore.Head head, int conflicts) {
    long seq = head.lastSeq() + 1;
    long msgId = ids.next();
    byte[] hash = ChainHash.next(head.lastHash(), seq, msgId, send.senderUser(), send.senderDevice(), send.kind(),
        send.payload());
    Envelope env = new Envelope(send.channelId(), seq, msgId, hash, send.senderUser(), send.senderDevice(),
        send.clientMsgId(), send.kind(), send.payload(), clock.millis());
    return store.insertIfAbsent(env).compose(applied -> {
      if (applied) {
        heads.put(send.channelId(), new MessageStore.Head(seq, hash));
        return store.recordStored(env).map(new Outcome(env, false));
      }
      // Another writer stored this seq: our head was stale (we may be a zombie). Reload and decide again; the
      // reload re-creates dedup rows, so a send that writer already stored is recognised as a duplicate.
      heads.remove(send.channelId());
      LOG.warn("channel {}: seq {} already taken by another writer (conflict {}); reloading the head",
          send.channelId(), seq, conflicts + 1);
      if (conflicts + 1 >= MAX_CONFLICTS) {
        return Future.failedFuture(new IllegalStateException("channel " + send.channelId() + ": " + MAX_CONFLICTS
            + " seq conflicts in a row; another writer is active"));
      }
      return attempt(send, conflicts + 1);
    });
  }

  private Future<MessageStore.Head> head(UUID channelId) {
    MessageStore.Head cached = heads.get(channelId);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return store.loadHead(channelId).onSuccess(h -> heads.put(channelId, h));
  }
}
