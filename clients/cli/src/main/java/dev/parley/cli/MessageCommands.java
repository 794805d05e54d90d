package dev.parley.cli;

import dev.parley.client.Ack;
import dev.parley.client.ParleyClient;
import dev.parley.protocol.Envelope;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** {@code parley send} and {@code parley history}. */
final class MessageCommands {
  /** The gateway's payload limit (docs/protocol.md, {@code gateway.maxPayloadBytes}) less the content's JSON. */
  static final int MAX_TEXT_BYTES = 60 * 1024;

  private MessageCommands() {
  }

  /** Sends one payload over a fresh device connection and waits for the server's ack. */
  static Ack send(Session s, UUID channel, byte[] payload) {
    ParleyClient client = Live.connect(s);
    try {
      Ack ack = s.await(client.send(channel, "application", payload));
      if (s.profile().e2ee() && !s.localLog().awaitPosition(channel, ack.seq(), s.timeout)) {
        // MLS lets no one decrypt their own message: the plaintext is kept when the log echoes it, in this process.
        System.err.println("parley: warning: message #" + ack.seq() + " was sent but not kept locally; your own "
            + "history will show it as undecryptable");
      }
      return ack;
    } finally {
      s.await(client.close());
    }
  }

  /** A page of history as envelopes, oldest first; {@code after}/{@code before} 0 mean unbounded. */
  static List<Envelope> page(Session s, UUID channel, long after, long before, int limit) {
    StringBuilder q = new StringBuilder("/v1/channels/" + channel + "/messages?limit=" + limit);
    if (after > 0) {
      q.append("&after=").append(after);
    }
    if (before > 0) {
      q.append("&before=").append(before);
    }
    JsonArray messages = s.await(s.api().get(q.toString(), s.token())).getJsonArray("messages");
    List<Envelope> out = new ArrayList<>();
    messages.forEach(o -> out.add(Envelope.fromJson((JsonObject) o)));
    return out;
  }

  @Command(name = "send", description = "Send a text message to a chat (waits until the server stored it).")
  static final class Send extends CommandBase {
    @Parameters(index = "0", paramLabel = "CHAT", description = "chat id, @username (DM) or group name")
    String chat;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "TEXT", description = "the message (words are joined by spaces)")
    List<String> words;

    @Override
    void run(Session s) {
      String text = String.join(" ", words);
      if (text.isBlank()) {
        throw CliError.usage("empty message");
      }
      if (text.getBytes(StandardCharsets.UTF_8).length > MAX_TEXT_BYTES) {
        throw CliError.usage("message too long (at most " + MAX_TEXT_BYTES + " bytes of UTF-8; send a file instead)");
      }
      UUID channel = ChatRef.resolve(s, chat);
      // Membership first, over REST: a chat that is not yours fails with exit 4 before any connection is made.
      s.await(s.api().get("/v1/chats/" + channel, s.token()));
      Ack ack = send(s, channel, Content.text(text));
      out().println("sent #" + ack.seq() + " to " + channel);
    }
  }

  @Command(name = "history", description = "Print a chat's messages, oldest first (with E2EE: those this device "
      + "has read, after reading up to now).")
  static final class History extends CommandBase {
    @Parameters(paramLabel = "CHAT", description = "chat id, @username (DM) or group name")
    String chat;

    @Option(names = "--last", defaultValue = "50", description = "how many of the newest messages (1-500, default ${DEFAULT-VALUE})")
    int last;

    @Option(names = "--before", defaultValue = "0", description = "only messages before this seq")
    long before;

    @Override
    void run(Session s) {
      if (last < 1 || last > 500) {
        throw CliError.usage("--last must be 1-500");
      }
      if (before < 0) {
        throw CliError.usage("--before must be a seq (a positive number)");
      }
      UUID channel = ChatRef.resolve(s, chat);
      List<LocalLog.Kept> messages = Reading.recent(s, channel, before, last);
      Printer printer = new Printer(out(), new Names(s).learn(channel));
      messages.forEach(printer::kept);
    }
  }
}
