package dev.parley.api.channels;

import dev.parley.api.accounts.CredentialRules;
import dev.parley.api.http.BearerAuth;
import dev.parley.shared.ids.Ids;
import dev.parley.api.http.JsonBody;
import dev.parley.api.http.Replies;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.UUID;

/** {@code /v1/channels} (DMs, groups, members) and {@code /v1/blocks}. Authorization lives in the services. */
public final class ChannelRoutes {
  private final ChannelService channels;
  private final MembershipService members;
  private final BlockService blocks;
  private final BearerAuth auth;
  private final int maxMembers;

  public ChannelRoutes(ChannelService channels, MembershipService members, BlockService blocks, BearerAuth auth,
                       int maxMembers) {
    this.channels = channels;
    this.members = members;
    this.blocks = blocks;
    this.auth = auth;
    this.maxMembers = maxMembers;
  }

  public void mount(Router router) {
    router.post("/v1/channels/dm").handler(auth).handler(this::openDm);
    router.post("/v1/channels").handler(auth).handler(this::createGroup);
    router.get("/v1/channels").handler(auth).handler(this::listMine);
    router.get("/v1/channels/:channelId").handler(auth).handler(this::get);
    router.get("/v1/channels/:channelId/members").handler(auth).handler(this::listMembers);
    router.post("/v1/channels/:channelId/members").handler(auth).handler(this::addMember);
    router.delete("/v1/channels/:channelId/members/:userId").handler(auth).handler(this::removeMember);
    router.get("/v1/blocks").handler(auth).handler(this::listBlocks);
    router.post("/v1/blocks").handler(auth).handler(this::block);
    router.delete("/v1/blocks/:userId").handler(auth).handler(this::unblock);
  }

  private void openDm(RoutingContext ctx) {
    UUID peer = JsonBody.read(ctx, "userId").uuid("userId");
    channels.openDm(caller(ctx), peer)
        .onSuccess(result -> ctx.response().setStatusCode(result.created() ? 201 : 200)
            .putHeader("content-type", "application/json").end(result.channel().encode()))
        .onFailure(ctx::fail);
  }

  private void createGroup(RoutingContext ctx) {
    JsonBody body = JsonBody.read(ctx, "name", "memberIds");
    String name = CredentialRules.name("name", body.string("name"));
    // Only a sanity bound here (the body limit bounds it too); the service checks the member limit on the
    // de-duplicated list and answers member_limit_reached, so clients see one code for "too many members".
    var memberIds = body.uuidList("memberIds", 10 * maxMembers + 10);
    Replies.json(ctx, 201, channels.createGroup(caller(ctx), name, memberIds));
  }

  private void listMine(RoutingContext ctx) {
    Replies.json(ctx, 200, channels.listMine(caller(ctx)));
  }

  private void get(RoutingContext ctx) {
    Replies.json(ctx, 200, channels.get(caller(ctx), Ids.parse("channelId", ctx.pathParam("channelId"))));
  }

  private void listMembers(RoutingContext ctx) {
    Replies.json(ctx, 200, members.list(caller(ctx), Ids.parse("channelId", ctx.pathParam("channelId"))));
  }

  private void addMember(RoutingContext ctx) {
    UUID channelId = Ids.parse("channelId", ctx.pathParam("channelId"));
    UUID userId = JsonBody.read(ctx, "userId").uuid("userId");
    Replies.json(ctx, 201, members.add(caller(ctx), channelId, userId));
  }

  private void removeMember(RoutingContext ctx) {
    UUID channelId = Ids.parse("channelId", ctx.pathParam("channelId"));
    Replies.noContent(ctx, members.remove(caller(ctx), channelId, Ids.parse("userId", ctx.pathParam("userId"))));
  }

  private void listBlocks(RoutingContext ctx) {
    Replies.json(ctx, 200, blocks.list(caller(ctx)));
  }

  private void block(RoutingContext ctx) {
    Replies.json(ctx, 201, blocks.block(caller(ctx), JsonBody.read(ctx, "userId").uuid("userId")));
  }

  private void unblock(RoutingContext ctx) {
    Replies.noContent(ctx, blocks.unblock(caller(ctx), Ids.parse("userId", ctx.pathParam("userId"))));
  }

  private static UUID caller(RoutingContext ctx) {
    return BearerAuth.caller(ctx).userId();
  }
}
