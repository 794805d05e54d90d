package dev.parley.api.chats;

import dev.parley.shared.Refusal;
import dev.parley.api.http.BearerAuth;
import dev.parley.shared.ids.Ids;
import dev.parley.api.http.JsonBody;
import dev.parley.api.http.Replies;
import dev.parley.shared.ErrorCode;
import dev.parley.shared.auth.AccessClaims;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.UUID;

/**
 * {@code /v1/chats} (chat list, read state, mark unread, mute) and {@code /v1/chat-settings} (read receipts).
 * Members only: anyone else gets 403 {@code not_a_member}, whether or not the channel exists.
 */
public final class ChatRoutes {
  private static final long MAX_SEQ = (1L << 53) - 1;

  private final ChatApi chats;
  private final BearerAuth auth;

  public ChatRoutes(ChatApi chats, BearerAuth auth) {
    this.chats = chats;
    this.auth = auth;
  }

  public void mount(Router router) {
    router.get("/v1/chats").handler(auth).handler(this::list);
    router.get("/v1/chats/:channelId").handler(auth).handler(this::one);
    router.post("/v1/chats/:channelId/read").handler(auth).handler(this::read);
    router.post("/v1/chats/:channelId/unread").handler(auth).handler(this::unread);
    router.put("/v1/chats/:channelId/mute").handler(auth).handler(this::mute);
    router.get("/v1/chat-settings").handler(auth).handler(this::settings);
    router.put("/v1/chat-settings").handler(auth).handler(this::updateSettings);
  }

  private void list(RoutingContext ctx) {
    int limit = limit(ctx.queryParams().get("limit"), chats.list().maxPageSize());
    Replies.json(ctx, 200, chats.list().list(caller(ctx).userId(), ctx.queryParams().get("cursor"), limit));
  }

  private void one(RoutingContext ctx) {
    Replies.json(ctx, 200, chats.list().one(caller(ctx).userId(), Ids.parse("channelId", ctx.pathParam("channelId"))));
  }

  private void read(RoutingContext ctx) {
    UUID channelId = Ids.parse("channelId", ctx.pathParam("channelId"));
    JsonBody.read(ctx, "seq");
    Object seq = ctx.body().asJsonObject().getValue("seq");
    if (!(seq instanceof Integer || seq instanceof Long) || ((Number) seq).longValue() < 0
        || ((Number) seq).longValue() > MAX_SEQ) {
      throw new Refusal(ErrorCode.INVALID_FIELD, "seq", "field 'seq' must be an integer from 0 to 2^53-1");
    }
    AccessClaims me = caller(ctx);
    Replies.json(ctx, 200, chats.state().markRead(me.userId(), me.deviceId(), channelId,
        ((Number) seq).longValue()));
  }

  private void unread(RoutingContext ctx) {
    UUID channelId = Ids.parse("channelId", ctx.pathParam("channelId"));
    AccessClaims me = caller(ctx);
    Replies.json(ctx, 200, chats.state().markUnread(me.userId(), me.deviceId(), channelId));
  }

  private void mute(RoutingContext ctx) {
    UUID channelId = Ids.parse("channelId", ctx.pathParam("channelId"));
    boolean muted = bool(ctx, "muted");
    AccessClaims me = caller(ctx);
    Replies.json(ctx, 200, chats.state().setMuted(me.userId(), me.deviceId(), channelId, muted));
  }

  private void settings(RoutingContext ctx) {
    UUID me = caller(ctx).userId();
    Replies.json(ctx, 200, chats.state().store().settings().receiptsOff(java.util.List.of(me))
        .map(off -> new JsonObject().put("readReceipts", !off.contains(me))));
  }

  private void updateSettings(RoutingContext ctx) {
    boolean on = bool(ctx, "readReceipts");
    Replies.json(ctx, 200, chats.state().store().settings().setReadReceipts(caller(ctx).userId(), on)
        .map(v -> new JsonObject().put("readReceipts", on)));
  }

  private static boolean bool(RoutingContext ctx, String field) {
    JsonBody.read(ctx, field);
    Object value = ctx.body().asJsonObject().getValue(field);
    if (!(value instanceof Boolean b)) {
      throw new Refusal(ErrorCode.INVALID_FIELD, field, "field '" + field + "' is required (true or false)");
    }
    return b;
  }

  static int limit(String value, int max) {
    if (value == null) {
      return Math.min(ChatListService.DEFAULT_LIMIT, max);
    }
    if (!value.matches("\\d{1,4}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > max) {
      throw new Refusal(ErrorCode.BAD_REQUEST, "limit", "limit must be an integer from 1 to " + max);
    }
    return Integer.parseInt(value);
  }

  private static AccessClaims caller(RoutingContext ctx) {
    return BearerAuth.caller(ctx);
  }
}
