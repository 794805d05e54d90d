package dev.parley.cli;

import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.Map;
import java.util.UUID;

/** User id → username, learnt from the member lists of the chats a command looks at (one request per chat). */
public final class Names {
  private final Session session;
  private final Map<UUID, String> names = new HashMap<>();
  private final Set<UUID> learnt = new HashSet<>();

  public Names(Session session) {
    this.session = session;
  }

  /** Learns the names of {@code channelId}'s current members. */
  public Names learn(UUID channelId) {
    if (!learnt.add(channelId)) {
      return this;
    }
    JsonObject page = session.await(session.api().get("/v1/channels/" + channelId + "/members", session.token()));
    page.getJsonArray("members").forEach(o -> {
      JsonObject m = (JsonObject) o;
      names.put(UUID.fromString(m.getString("userId")), m.getString("username"));
    });
    return this;
  }

  public void put(UUID userId, String username) {
    names.put(userId, username);
  }

  /** The username, or the id's first block for someone no longer in the chat. */
  public String name(UUID userId) {
    String n = names.get(userId);
    return n != null ? n : "user-" + userId.toString().substring(0, 8);
  }
}
