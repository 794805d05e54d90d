package dev.parley.cli;

import dev.parley.client.Ack;
import dev.parley.client.media.Attachment;
import dev.parley.client.media.MediaClient;
import dev.parley.protocol.Envelope;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * {@code parley send-file} and {@code parley download}: attachments through {@code clients/java}'s {@link MediaClient}
 * (encrypted with a fresh key per file, uploaded with resume, digest-checked and decrypted on download; docs/media.md).
 * The key travels inside the message ({@link Content}).
 */
final class FileCommands {
  /** Uploads and downloads may take long; the client library retries and resumes on its own within this. */
  private static final Duration TRANSFER_LIMIT = Duration.ofHours(2);

  private FileCommands() {
  }

  @Command(name = "send-file", description = "Send a file to a chat as an encrypted attachment.")
  static final class SendFile extends CommandBase {
    @Parameters(index = "0", paramLabel = "CHAT", description = "chat id, @username (DM) or group name")
    String chat;

    @Parameters(index = "1", paramLabel = "PATH", description = "the file to send")
    Path path;

    @Override
    void run(Session s) {
      if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
        throw CliError.usage("not a readable file: " + path);
      }
      UUID channel = ChatRef.resolve(s, chat);
      s.await(s.api().get("/v1/chats/" + channel, s.token()));
      MediaClient media = new MediaClient(s.vertx, s.web, s.profile().server());
      Attachment attachment = s.await(media.send(s.token(), channel, path), TRANSFER_LIMIT);
      String name = path.getFileName().toString();
      Ack ack = MessageCommands.send(s, channel, Content.file(name, attachment));
      // Binding tells the server a stored message refers to the attachment, so it is not collected as unused.
      s.await(s.api().post("/v1/media/" + attachment.mediaId() + "/bind", s.token(), new JsonObject().put("seq", ack.seq())));
      out().println("sent " + Printer.safe(name) + " (" + attachment.plaintextSize() + " bytes) as #" + ack.seq()
          + "; others fetch it with: parley download " + channel + ":" + ack.seq() + " <path>");
    }
  }

  /** Message {@code seq} in plaintext: from history without E2EE; with it, kept by this device (reading up first). */
  static Envelope message(Session s, UUID channel, long seq) {
    if (!s.profile().e2ee()) {
      List<Envelope> page = MessageCommands.page(s, channel, seq - 1, seq + 1, 1);
      return page.isEmpty() || page.get(0).seq() != seq ? null : page.get(0);
    }
    Envelope kept = Reading.kept(s, channel, seq);
    if (kept == null) {
      Reading.recent(s, channel, 0, 1);
      kept = Reading.kept(s, channel, seq);
    }
    return kept;
  }

  @Command(name = "download", description = "Fetch, check and decrypt a file sent to a chat.")
  static final class Download extends CommandBase {
    @Parameters(index = "0", paramLabel = "CHAT:SEQ", description = "the file's message, as history prints it "
        + "(chat id, @username or group name, a colon, the message's seq)")
    String attachment;

    @Parameters(index = "1", paramLabel = "PATH", description = "where to write the file")
    Path path;

    @Option(names = "--force", description = "overwrite PATH if it exists")
    boolean force;

    @Override
    void run(Session s) {
      int colon = attachment.lastIndexOf(':');
      if (colon <= 0 || !attachment.substring(colon + 1).matches("[1-9][0-9]{0,15}")) {
        throw CliError.usage("name the file's message as CHAT:SEQ (e.g. @alice:12): " + Printer.safe(attachment));
      }
      long seq = Long.parseLong(attachment.substring(colon + 1));
      if (Files.exists(path) && !force) {
        throw CliError.usage(path + " exists (use --force to overwrite)");
      }
      UUID channel = ChatRef.resolve(s, attachment.substring(0, colon));
      Envelope message = message(s, channel, seq);
      if (message == null) {
        throw CliError.notFound("no message #" + seq + " in " + channel + " that this device can read");
      }
      if (!(Content.decode(message.payload()) instanceof Content.File file)) {
        throw CliError.usage("message #" + seq + " is not a file");
      }
      MediaClient media = new MediaClient(s.vertx, s.web, s.profile().server());
      s.await(media.fetch(s.token(), file.attachment(), path), TRANSFER_LIMIT);
      out().println("saved " + Printer.safe(file.name()) + " to " + path + " (" + file.attachment().plaintextSize()
          + " bytes, digest checked, decrypted)");
    }
  }
}
