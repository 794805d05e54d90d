package dev.parley.bench.load;

import dev.parley.protocol.ChainHash;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One channel of the {@link RelayServer}: members, the seq and hash-chain head, the acks of recent sends (so a
 * re-send is answered with its original ack) and the last {@code historyLimit} envelopes for the history route.
 * Callers synchronize on the instance.
 */
final class RelayChannel {
  final UUID id;
  final Set<UUID> members;
  long seq;
  byte[] hash = ChainHash.genesis();
  final Map<String, String> acks = new LinkedHashMap<>(256, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > 20_000;
    }
  };
  private final int historyLimit;
  /** Envelopes by seq from {@code firstSeq}; null where a seq was lost on purpose. */
  private final ArrayList<String> history = new ArrayList<>();
  private long firstSeq = 1;

  RelayChannel(UUID id, Set<UUID> members, int historyLimit) {
    this.id = id;
    this.members = members;
    this.historyLimit = historyLimit;
  }

  void remember(long seq, String envelope) {
    if (history.isEmpty()) {
      firstSeq = seq;
    }
    while (firstSeq + history.size() < seq) {
      history.add(null);
    }
    history.add(envelope);
    int excess = history.size() - historyLimit;
    if (excess > historyLimit / 4) {
      history.subList(0, excess).clear();
      firstSeq += excess;
    }
  }

  /** A history page as docs/protocol.md describes it ({@code after}/{@code before} -1: absent). */
  synchronized JsonObject page(long after, long before, int limit) {
    List<String> picked = new ArrayList<>();
    boolean more;
    long last = firstSeq + history.size() - 1;
    long hi = before > 0 ? Math.min(last, before - 1) : last;
    if (after < 0 && before < 0) {
      long lo = Math.max(firstSeq, hi - limit + 1);
      for (long s = lo; s <= hi; s++) {
        add(s, picked);
      }
      more = lo > firstSeq;
    } else {
      long s = Math.max(firstSeq, after + 1);
      for (; s <= hi && picked.size() < limit; s++) {
        add(s, picked);
      }
      more = s <= hi;
    }
    JsonArray messages = new JsonArray();
    picked.forEach(e -> messages.add(new JsonObject(e)));
    return new JsonObject().put("channelId", id.toString()).put("messages", messages).put("hasMore", more);
  }

  private void add(long s, List<String> out) {
    int i = (int) (s - firstSeq);
    if (i >= 0 && i < history.size() && history.get(i) != null) {
      out.add(history.get(i));
    }
  }
}
