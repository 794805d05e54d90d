package dev.parley.api.history;

import dev.parley.shared.Refusal;
import dev.parley.api.http.BearerAuth;
import dev.parley.shared.ids.Ids;
import dev.parley.api.http.Replies;
import dev.parley.shared.ErrorCode;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.UUID;

/**
 * {@code GET /v1/channels/{channelId}/messages?after=SEQ|before=SEQ&limit=N}: behind {@link BearerAuth} like every
 * other route, so a request is authenticated (401) before its parameters are judged (422 for the id, 400 for the
 * seqs), and refusals leave through the router's problem handler.
 */
public final class HistoryRoutes {
  public static final String PATH = "/v1/channels/:channelId/messages";

  private final HistoryService history;
  private final BearerAuth auth;

  public HistoryRoutes(HistoryService history, BearerAuth auth) {
    this.history = history;
    this.auth = auth;
  }

  public void mount(Router router) {
    router.get(PATH).handler(auth).handler(this::page);
  }

  private void page(RoutingContext ctx) {
    UUID channelId = Ids.parse("channelId", ctx.pathParam("channelId"));
    HistoryQuery query = HistoryQuery.parse(single(ctx, "after"), single(ctx, "before"), single(ctx, "limit"));
    Replies.json(ctx, 200, history.page(BearerAuth.caller(ctx).userId(), channelId, query));
  }

  /** A query parameter given at most once: {@code ?after=1&after=9} has no one meaning. */
  private static String single(RoutingContext ctx, String name) {
    java.util.List<String> values = ctx.queryParams().getAll(name);
    if (values.size() > 1) {
      throw new Refusal(ErrorCode.BAD_REQUEST, name, name + " must be given at most once");
    }
    return values.isEmpty() ? null : values.get(0);
  }
}
