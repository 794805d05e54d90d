package dev.parley.cli;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * How a command names a chat (docs/cli.md, "Naming chats and users"): its id, {@code @username} for the DM with that
 * user (created on first use, as {@code parley dm} does), or a group's exact name among the caller's chats.
 */
public final class ChatRef {
  private static final Pattern UUID_FORM = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final int MAX_PAGES = 20;

  private ChatRef() {
  }

  public static UUID resolve(Session s, String ref) {
    if (ref.isEmpty()) {
      throw CliError.usage("empty chat name");
    }
    if (UUID_FORM.matcher(ref).matches()) {
      return UUID.fromString(ref);
    }
    if (ref.startsWith("@")) {
      return dm(s, user(s, ref.substring(1)));
    }
    return byName(s, ref);
  }

  /** The user id of {@code username} (404 → exit 4). */
  public static UUID user(Session s, String username) {
    String name = username.startsWith("@") ? username.substring(1) : username;
    if (name.isEmpty() || !name.matches("[A-Za-z0-9_.]{1,64}")) {
      throw CliError.usage("not a username: " + username);
    }
    JsonObject u = s.await(s.api().get("/v1/users/by-username/" + name, s.token()));
    return UUID.fromString(u.getString("userId"));
  }

  /** The DM channel with {@code peer}, created if it does not exist yet. */
  public static UUID dm(Session s, UUID peer) {
    JsonObject c = s.await(s.api().post("/v1/channels/dm", s.token(), new JsonObject().put("userId", peer.toString())));
    return UUID.fromString(c.getString("channelId"));
  }

  private static UUID byName(Session s, String name) {
    List<UUID> found = new ArrayList<>();
    String cursor = null;
    for (int page = 0; page < MAX_PAGES; page++) {
      JsonObject chats = s.await(s.api().get("/v1/chats?limit=200" + (cursor == null ? "" : "&cursor=" + cursor),
          s.token()));
      chats.getJsonArray("chats").forEach(o -> {
        JsonObject c = (JsonObject) o;
        if (name.equals(c.getString("name"))) {
          found.add(UUID.fromString(c.getString("channelId")));
        }
      });
      cursor = chats.getString("nextCursor");
      if (cursor == null) {
        break;
      }
    }
    if (found.isEmpty()) {
      throw CliError.notFound("no chat of yours is named '" + Printer.safe(name) + "' (name a DM as @username)");
    }
    if (found.size() > 1) {
      throw CliError.usage("several chats are named '" + Printer.safe(name) + "': use the chat id (parley chats)");
    }
    return found.get(0);
  }
}
