package dev.parley.cli;

import dev.parley.protocol.Envelope;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * {@code parley chats}: the chat list, latest message first, with unread counts; and the read-state actions on one
 * chat ({@code read}, {@code mark-unread}, {@code mute}, {@code unmute}).
 */
@Command(name = "chats", description = "Your chats, latest message first, with unread counts.",
    subcommands = {ChatsCommand.Read.class, ChatsCommand.MarkUnread.class, ChatsCommand.Mute.class,
        ChatsCommand.Unmute.class})
final class ChatsCommand extends CommandBase {
  @Option(names = "--limit", defaultValue = "50", description = "how many chats (1-200, default ${DEFAULT-VALUE})")
  int limit;

  @Override
  void run(Session s) {
    if (limit < 1 || limit > 200) {
      throw CliError.usage("--limit must be 1-200");
    }
    JsonObject page = s.await(s.api().get("/v1/chats?limit=" + limit, s.token()));
    Names names = new Names(s);
    PrintWriter out = out();
    page.getJsonArray("chats").forEach(o -> out.println(line(s, names, (JsonObject) o)));
  }

  /** {@code <unread> <name> <kind> <time> <preview>  <id>}; the unread column is {@code •} for marked-unread. */
  private static String line(Session s, Names names, JsonObject c) {
    UUID id = UUID.fromString(c.getString("channelId"));
    String kind = c.getString("kind");
    String name;
    if ("dm".equals(kind)) {
      names.learn(id);
      name = "@" + names.name(UUID.fromString(c.getString("peerUserId")));
    } else {
      name = Printer.safe(c.getString("name", ""));
    }
    long unread = c.getLong("unread", 0L);
    String badge = unread > 0 ? String.valueOf(unread) : c.getBoolean("markedUnread", false) ? "•" : "-";
    long ts = c.getLong("ts", 0L);
    String time = ts == 0 ? "(no messages)" : Instant.ofEpochMilli(ts).truncatedTo(ChronoUnit.SECONDS).toString();
    String preview = "";
    JsonObject last = c.getJsonObject("lastMessage");
    if (last != null) {
      Envelope e = Envelope.fromJson(last);
      names.learn(id);
      preview = names.name(e.senderUser()) + ": " + preview(s, id, e);
      preview = preview.replace("\n    ", " ");
      if (preview.length() > 60) {
        preview = preview.substring(0, 59) + "…";
      }
    }
    return String.format("%4s  %-20s %-5s %-22s %s  %s%s", badge, name, kind, time, preview, id,
        c.getBoolean("muted", false) ? " (muted)" : "");
  }

  /** Without E2EE the latest message itself; with it, the plaintext this device kept, if it has read it. */
  private static String preview(Session s, UUID id, Envelope e) {
    if (!s.profile().e2ee()) {
      return Printer.body(id, e.seq(), Content.decode(e.payload()));
    }
    if (!"application".equals(e.kind())) {
      return "(group change)";
    }
    Envelope kept = Reading.kept(s, id, e.seq());
    return kept == null ? "[encrypted: parley open to read]" : Printer.body(id, e.seq(), Content.decode(kept.payload()));
  }

  /** Base of the one-chat actions. */
  abstract static class OnChat extends CommandBase {
    @Parameters(paramLabel = "CHAT", description = "chat id, @username (DM) or group name")
    String chat;
  }

  @Command(name = "read", description = "Mark a chat read up to its latest message.")
  static final class Read extends OnChat {
    @Override
    void run(Session s) {
      UUID id = ChatRef.resolve(s, chat);
      long last = s.await(s.api().get("/v1/chats/" + id, s.token())).getLong("lastSeq", 0L);
      s.await(s.api().post("/v1/chats/" + id + "/read", s.token(), new JsonObject().put("seq", last)));
      out().println("read up to #" + last);
    }
  }

  @Command(name = "mark-unread", description = "Flag a chat as unread (cleared by the next read).")
  static final class MarkUnread extends OnChat {
    @Override
    void run(Session s) {
      UUID id = ChatRef.resolve(s, chat);
      s.await(s.api().post("/v1/chats/" + id + "/unread", s.token(), null));
      out().println("marked unread");
    }
  }

  @Command(name = "mute", description = "No push notifications for this chat (it still counts unread).")
  static final class Mute extends OnChat {
    @Override
    void run(Session s) {
      mute(s, ChatRef.resolve(s, chat), true);
      out().println("muted");
    }
  }

  @Command(name = "unmute", description = "Push notifications for this chat again.")
  static final class Unmute extends OnChat {
    @Override
    void run(Session s) {
      mute(s, ChatRef.resolve(s, chat), false);
      out().println("unmuted");
    }
  }

  private static void mute(Session s, UUID id, boolean muted) {
    s.await(s.api().call(io.vertx.core.http.HttpMethod.PUT, "/v1/chats/" + id + "/mute", s.token(),
        new JsonObject().put("muted", muted)));
  }
}
