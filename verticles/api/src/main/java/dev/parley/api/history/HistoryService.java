package dev.parley.api.history;

import dev.parley.api.channels.MembershipService;
import dev.parley.protocol.Envelope;
import dev.parley.stores.messages.MessageReads;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.UUID;

/**
 * A page of a channel's history for one of its members (docs/api.md, "History"). {@code after} gives the messages
 * following that seq, {@code before} those preceding it, both the range between them, neither the latest page; a
 * page is in seq order and {@code hasMore} says whether the requested range holds more.
 */
public final class HistoryService {
  private final MembershipService members;
  private final MessageReads messages;

  public HistoryService(MembershipService members, MessageReads messages) {
    this.members = members;
    this.messages = messages;
  }

  public Future<JsonObject> page(UUID caller, UUID channelId, HistoryQuery q) {
    return members.requireMember(caller, channelId).compose(v -> q.after() != null
        ? pageAfter(channelId, q) : pageBefore(channelId, q));
  }

  private Future<JsonObject> pageAfter(UUID channelId, HistoryQuery q) {
    long to = q.after() + q.limit();
    long end = q.before() != null ? Math.min(to, q.before() - 1) : to;
    boolean capped = q.before() == null || to < q.before() - 1;
    return messages.range(channelId, q.after() + 1, end)
        .map(list -> body(channelId, list, capped && list.size() == q.limit()));
  }

  /** The newest {@code limit} below {@code before}, or below the head hint when there is no bound. */
  private Future<JsonObject> pageBefore(UUID channelId, HistoryQuery q) {
    Future<Long> upper = q.before() != null ? Future.succeededFuture(q.before() - 1)
        : messages.lastSeqHint(channelId);
    return upper.compose(last -> {
      long from = Math.max(1, last - q.limit() + 1);
      return messages.range(channelId, from, last).map(list -> body(channelId, list, from > 1));
    });
  }

  private static JsonObject body(UUID channelId, List<Envelope> list, boolean hasMore) {
    JsonArray out = new JsonArray();
    list.forEach(e -> out.add(e.toJson()));
    return new JsonObject().put("channelId", channelId.toString()).put("messages", out).put("hasMore", hasMore);
  }
}
