package dev.parley.api.chats;

import dev.parley.chatstate.ChatStateService;
import dev.parley.chatstate.ChatStore;
import dev.parley.chatstate.LiveFrames;
import dev.parley.shared.config.ParleyConfig;
import dev.parley.shared.membership.Memberships;
import dev.parley.shared.session.SessionDirectory;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;

/** The chat feature's services for the api role (issue 7), built once per verticle. */
public record ChatApi(ChatListService list, ChatStateService state) {

  public static ChatApi create(Vertx vertx, ParleyConfig config, Pool pg, Redis redis) {
    ChatStore store = ChatStore.on(vertx, redis, pg);
    // Uncached (TTL 0): a REST call checks membership in PostgreSQL itself, so a removed member is refused at once
    // without this node having to hear the membership event.
    Memberships members = new Memberships(pg, 0, System::currentTimeMillis);
    LiveFrames push = new LiveFrames(vertx.eventBus(), new SessionDirectory(redis));
    return new ChatApi(new ChatListService(pg, store, config.chats().indexSyncSeconds(), config.chats().maxPageSize()),
        new ChatStateService(store, members, push, config.chats().receiptsMaxGroupSize()));
  }
}
