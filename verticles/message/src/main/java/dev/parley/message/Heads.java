package dev.parley.message;

import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The {@link Sequencer}'s view of each channel's head (seq, hash, MLS epoch): a cache of the heads it appended to,
 * and per channel the last head it stored, its <em>floor</em>, which outlives {@link #forget()}: those seqs were
 * acknowledged to clients, so a reloaded head below the floor means the store lost acknowledged rows, and the
 * sequencer continues from the floor (a gap clients see) rather than hand out a seq twice. Event-loop only.
 */
final class Heads {
  private static final Logger LOG = LoggerFactory.getLogger(Heads.class);
  private static final int MAX_CACHED_HEADS = 100_000;

  private final SequencerStore store;
  private final Map<UUID, MessageStore.Head> heads = lru();
  private final Map<UUID, MessageStore.Head> floors = lru();

  Heads(SequencerStore store) {
    this.store = store;
  }

  /** The cached head, else the store's (never below the floor). */
  Future<MessageStore.Head> of(UUID channelId) {
    MessageStore.Head cached = heads.get(channelId);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return store.loadHead(channelId).map(loaded -> {
      MessageStore.Head floor = floors.get(channelId);
      MessageStore.Head head = floor != null && floor.lastSeq() > loaded.lastSeq() ? floor : loaded;
      if (head != loaded) {
        LOG.error("channel {}: the store's head is seq {} but seq {} was stored and acknowledged: acknowledged "
            + "messages were lost (was the store's commit log not synced?); continuing after seq {} so no seq is "
            + "handed out twice", channelId, loaded.lastSeq(), floor.lastSeq(), floor.lastSeq());
      }
      heads.put(channelId, head);
      return head;
    });
  }

  /** This sequencer stored up to {@code head}. */
  void stored(UUID channelId, MessageStore.Head head) {
    heads.put(channelId, head);
    floors.put(channelId, head);
  }

  /** The cached head of {@code channelId} was stale (another writer stored past it). */
  void drop(UUID channelId) {
    heads.remove(channelId);
  }

  /** Forgets every cached head (partitions moved: another writer may have advanced them); floors stay. */
  void forget() {
    heads.clear();
  }

  private static <K, V> Map<K, V> lru() {
    return new LinkedHashMap<>(1_024, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > MAX_CACHED_HEADS;
      }
    };
  }
}
