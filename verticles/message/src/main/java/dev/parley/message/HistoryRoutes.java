package dev.parley.message;

import dev.parley.shared.ErrorCode;
import dev.parley.shared.auth.AccessClaims;
import dev.parley.shared.auth.AccessTokens;
import dev.parley.shared.auth.InvalidTokenException;
import dev.parley.shared.auth.RevokedDevices;
import dev.parley.shared.http.Problems;
import dev.parley.shared.membership.Memberships;
import dev.parley.protocol.Envelope;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.UUID;

/**
 * {@code GET /v1/channels/{channelId}/messages?after=SEQ|before=SEQ&limit=N}: a page of a channel's history for a
 * member (Bearer access token). {@code after} gives the messages following that seq, {@code before} those
 * preceding it, both together the range between them; neither gives the latest page. Pages are in seq order, at
 * most {@code limit} (1..500, default 100) long; {@code hasMore} says whether the range has more. Mounted by the
 * api role's router; see docs/protocol.md, "History".
 */
public final class HistoryRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(HistoryRoutes.class);
  public static final String PATH = "/v1/channels/:channelId/messages";
  static final int MAX_LIMIT = 500;
  static final int DEFAULT_LIMIT = 100;

  private final AccessTokens tokens;
  private final RevokedDevices revoked;
  private final Memberships memberships;
  private final MessageStore store;

  public HistoryRoutes(AccessTokens tokens, RevokedDevices revoked, Memberships memberships, MessageStore store) {
    this.tokens = tokens;
    this.revoked = revoked;
    this.memberships = memberships;
    this.store = store;
  }

  public void mount(Router router) {
    router.get(PATH).handler(this::handle);
  }

  /** A validated page request. */
  record PageQuery(UUID channelId, Long after, Long before, int limit) {
  }

  private void handle(RoutingContext ctx) {
    PageQuery query;
    try {
      query = parse(ctx.pathParam("channelId"), ctx.queryParams().get("after"), ctx.queryParams().get("before"),
          ctx.queryParams().get("limit"));
    } catch (IllegalArgumentException e) {
      Problems.send(ctx.response(), ErrorCode.BAD_REQUEST, e.getMessage());
      return;
    }
    String auth = ctx.request().getHeader("Authorization");
    if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      Problems.send(ctx.response(), ErrorCode.AUTH_REQUIRED, "an Authorization: Bearer <access token> header is required");
      return;
    }
    tokens.verify(auth.substring(7).trim())
        .compose(claims -> authorize(claims, query.channelId()))
        .compose(ok -> page(query))
        .onSuccess(body -> ctx.response().putHeader("content-type", "application/json").end(body.encode()))
        .onFailure(err -> fail(ctx, query, err));
  }

  private Future<Void> authorize(AccessClaims claims, UUID channelId) {
    return revoked.isRevoked(claims.deviceId()).compose(isRevoked -> isRevoked
        ? Future.failedFuture(new Refused(ErrorCode.DEVICE_REVOKED, "this device was revoked"))
        : memberships.isMember(channelId, claims.userId()).compose(member -> member ? Future.<Void>succeededFuture()
            : Future.failedFuture(new Refused(ErrorCode.NOT_A_MEMBER, "you are not a member of this channel"))));
  }

  static PageQuery parse(String channel, String after, String before, String limit) {
    UUID channelId;
    try {
      channelId = UUID.fromString(channel);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("channelId must be a UUID");
    }
    Long a = seqParam("after", after);
    Long b = seqParam("before", before);
    int n = limit == null ? DEFAULT_LIMIT : (int) Math.min(Integer.MAX_VALUE, seqParam("limit", limit));
    if (n < 1 || n > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT);
    }
    if (a != null && b != null && b <= a) {
      throw new IllegalArgumentException("before must be greater than after");
    }
    return new PageQuery(channelId, a, b, n);
  }

  private static Long seqParam(String name, String value) {
    if (value == null) {
      return null;
    }
    if (!value.matches("\\d{1,18}")) {
      throw new IllegalArgumentException(name + " must be a non-negative integer");
    }
    return Long.parseLong(value);
  }

  private Future<JsonObject> page(PageQuery q) {
    if (q.after() != null) {
      long to = q.after() + q.limit();
      long end = q.before() != null ? Math.min(to, q.before() - 1) : to;
      boolean capped = q.before() == null || to < q.before() - 1;
      return store.range(q.channelId(), q.after() + 1, end)
          .map(list -> body(q.channelId(), list, capped && list.size() == q.limit()));
    }
    Future<Long> upper = q.before() != null ? Future.succeededFuture(q.before() - 1)
        : store.lastSeqHint(q.channelId());
    return upper.compose(last -> {
      long from = Math.max(1, last - q.limit() + 1);
      return store.range(q.channelId(), from, last).map(list -> body(q.channelId(), list, from > 1));
    });
  }

  private static JsonObject body(UUID channelId, List<Envelope> list, boolean hasMore) {
    JsonArray messages = new JsonArray();
    list.forEach(e -> messages.add(e.toJson()));
    return new JsonObject().put("channelId", channelId.toString()).put("messages", messages).put("hasMore", hasMore);
  }

  private static void fail(RoutingContext ctx, PageQuery q, Throwable err) {
    if (err instanceof Refused r) {
      Problems.send(ctx.response(), r.code, r.getMessage());
    } else if (err instanceof InvalidTokenException) {
      Problems.send(ctx.response(), ErrorCode.INVALID_TOKEN, err.getMessage());
    } else {
      LOG.error("history of channel {} failed: {}", q.channelId(), err.toString());
      Problems.send(ctx.response(), ErrorCode.UNAVAILABLE, "history is temporarily unavailable; retry");
    }
  }

  private static final class Refused extends RuntimeException {
    final ErrorCode code;

    Refused(ErrorCode code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }
}
