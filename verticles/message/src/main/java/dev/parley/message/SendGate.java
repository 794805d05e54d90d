package dev.parley.message;

import dev.parley.protocol.SendRecord;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.UUID;

/**
 * What may take a channel's next seq, decided by the channel's single writer ({@link Sequencer}) send by send in log
 * order, against the MLS epoch of the head it appends to (docs/e2ee.md, "Delivery Service protocol"): an accepted
 * send may move the epoch on (a commit), a refused one gets no seq and its sender an error frame. The epoch travels
 * with the head, so it is fenced like seqs: a writer whose head was stale re-decides after reloading it.
 */
public interface SendGate {

  /** One send's fate: accepted with the epoch after it, or refused with the error frame for its sender. */
  record Decision(long epochAfter, JsonObject refusal) {
    public static Decision accept(long epochAfter) {
      return new Decision(epochAfter, null);
    }

    public static Decision refuse(JsonObject errorFrame) {
      return new Decision(-1, errorFrame);
    }

    public boolean accepted() {
      return refusal == null;
    }
  }

  /** Decides sends of a prepared batch; synchronous and pure in (index, epoch), so a re-decision is safe. */
  interface Decider {
    Decision decide(int index, long epoch);
  }

  /**
   * The look-ups a channel's batch needs, given the epoch of the head it will be appended to. Never fails: what
   * cannot be checked now is refused ({@code unavailable}) by the decider.
   */
  Future<Decider> prepare(UUID channel, List<SendRecord> sends, long headEpoch);

  /**
   * Once the batch's message rows are stored (outcomes index-aligned with {@code sends}): what accepted sends imply
   * beyond the log (MLS state, Welcome inboxes) and the frames for refused senders. The channel's next batch waits
   * for it; a failure fails the batch, which is replayed (so it must be idempotent).
   */
  Future<Void> record(UUID channel, List<SendRecord> sends, List<Sequencer.Outcome> outcomes);

  /** Accepts every send; a stored commit moves the epoch on by one (what a head reload counts). */
  SendGate OPEN = new SendGate() {
    @Override
    public Future<Decider> prepare(UUID channel, List<SendRecord> sends, long headEpoch) {
      return Future.succeededFuture((index, epoch) -> Decision.accept(
          MessageStore.COMMIT.equals(sends.get(index).kind()) ? epoch + 1 : epoch));
    }

    @Override
    public Future<Void> record(UUID channel, List<SendRecord> sends, List<Sequencer.Outcome> outcomes) {
      return Future.succeededFuture();
    }
  };
}
