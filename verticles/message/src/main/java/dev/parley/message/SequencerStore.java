package dev.parley.message;

import dev.parley.protocol.Envelope;
import io.vertx.core.Future;

import java.util.List;
import java.util.UUID;

/**
 * What {@link Sequencer} needs of message storage ({@link MessageStore} on Cassandra): the conditional insert that is
 * the commit point, the dedup rows, the head hint and its repairing load. Small so the sequencer's conflict and
 * fencing decisions can be tested against an in-memory store.
 */
public interface SequencerStore {
  /** The bucket of a seq: a conditional batch stays inside one {@code (channel, bucket)} partition. */
  int bucketOf(long seq);

  /** Inserts consecutive messages of one partition, all or none; {@code false}: another writer holds a seq. */
  Future<Boolean> insertIfAbsent(List<Envelope> samePartition);

  /** Writes the dedup rows of stored messages of one channel. */
  Future<Void> writeDedup(List<Envelope> stored);

  /**
   * Moves the head hint to {@code last} (never backwards), with the MLS epoch after it, once the dedup rows up to it
   * are written.
   */
  Future<Void> advanceHead(Envelope last, long epochAfter);

  /** The seq a (device, clientMsgId) was stored under, or null. */
  Future<Long> findDuplicate(UUID channelId, UUID device, String clientMsgId);

  /** The stored message at {@code seq}, or null. */
  Future<Envelope> read(UUID channelId, long seq);

  /**
   * The channel's true head: the hint rolled forward over any message rows past it (each stored commit among them
   * moves the epoch on by one).
   */
  Future<MessageStore.Head> loadHead(UUID channelId);
}
