package dev.parley.cli;

import dev.parley.client.Message;
import dev.parley.client.ParleyClient;
import dev.parley.protocol.ChainHash;
import dev.parley.protocol.Envelope;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code parley open <chat>}: prints the latest messages, then every new one as it arrives (through the device's live
 * connection: ordered, hash-chain checked, gaps filled and — with E2EE — decrypted by the client library), marking the
 * chat read as it goes. Lines typed on stdin are sent to the chat. Ends with Ctrl-C, or after {@code --count} new
 * messages.
 */
@Command(name = "open", description = "Show a chat and follow it live; lines typed on stdin are sent to it.")
final class OpenCommand extends CommandBase {
  @Parameters(paramLabel = "CHAT", description = "chat id, @username (DM) or group name")
  String chat;

  @Option(names = "--last", defaultValue = "10", description = "messages shown first (0-500, default ${DEFAULT-VALUE})")
  int last;

  @Option(names = "--count", defaultValue = "0", description = "exit after this many new messages (default: run until Ctrl-C)")
  int count;

  @Option(names = "--no-input", description = "do not read stdin (only follow the chat)")
  boolean noInput;

  private final AtomicReference<Future<JsonObject>> lastRead = new AtomicReference<>();
  private CountDownLatch done;
  private Printer printer;
  /** The newest seq shown; live messages and the backlog meet here without duplicates or reordering. */
  private long shownUpTo = -1;
  private volatile boolean live;

  @Override
  void run(Session s) {
    if (last < 0 || last > 500 || count < 0) {
      throw CliError.usage("--last must be 0-500 and --count at least 0");
    }
    UUID channel = ChatRef.resolve(s, chat);
    s.await(s.api().get("/v1/chats/" + channel, s.token()));
    printer = new Printer(out(), new Names(s).learn(channel));
    done = new CountDownLatch(count > 0 ? count : 1);
    ParleyClient client = s.profile().e2ee() ? openEncrypted(s, channel) : openPlain(s, channel);
    err().println("-- live: " + channel + " (Ctrl-C to stop) --");
    err().flush();
    if (!noInput) {
      startInput(client, channel);
    }
    // Ctrl-C: close the socket cleanly. Removed again when the command ends by itself (Vert.x is closed by then).
    Thread onCtrlC = new Thread(client::close);
    Runtime.getRuntime().addShutdownHook(onCtrlC);
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Runtime.getRuntime().removeShutdownHook(onCtrlC);
    // The read cursor of the last message shown is part of what this command does: wait for it before leaving.
    Future<JsonObject> read = lastRead.get();
    if (read != null) {
      s.await(read.otherwiseEmpty());
    }
    s.await(client.close());
  }

  /** Without E2EE: the backlog from history, then the connection from there. */
  private ParleyClient openPlain(Session s, UUID channel) {
    List<Envelope> backlog = MessageCommands.page(s, channel, 0, 0, Math.max(1, last));
    backlog.subList(Math.max(0, backlog.size() - last), backlog.size()).forEach(e -> show(new LocalLog.Kept(e, null)));
    Envelope newest = backlog.isEmpty() ? null : backlog.get(backlog.size() - 1);
    JsonObject chats = s.await(s.api().get("/v1/chats?limit=200", s.token()));
    ParleyClient client = Live.connect(s, listener(s, channel), c -> {
      trackChats(c, chats);
      c.track(channel, newest == null ? 0 : newest.seq(), newest == null ? ChainHash.genesis() : newest.hash());
    });
    goLive(newest == null ? 0 : newest.seq());
    // The chat may have moved between the backlog and the connection: fetch what is past the backlog.
    s.await(client.sync(channel));
    return client;
  }

  /** With E2EE: read the chat's log up to now (decrypting and keeping), show the kept backlog, then go live. */
  private ParleyClient openEncrypted(Session s, UUID channel) {
    ParleyClient client = Live.connect(s, listener(s, channel), c -> { });
    Reading.catchUp(s, client, channel);
    List<LocalLog.Kept> kept = s.localLog().read(channel, 0, 500);
    kept.subList(Math.max(0, kept.size() - last), kept.size()).forEach(this::show);
    goLive(kept.isEmpty() ? 0 : kept.get(kept.size() - 1).envelope().seq());
    // What arrived while the backlog was printed is kept already: show it too (show() drops what was shown).
    s.localLog().read(channel, 0, 500).forEach(k -> {
      if (show(k)) {
        countLive();
      }
    });
    return client;
  }

  /** From here on, new messages are shown and counted; nothing at or before {@code upTo} is. */
  private synchronized void goLive(long upTo) {
    shownUpTo = Math.max(shownUpTo, upTo);
    live = true;
  }

  private Live.Listener listener(Session s, UUID channel) {
    return new Live.Listener() {
      @Override
      public void message(Message m) {
        if (channel.equals(m.channelId()) && live) {
          Envelope e = new Envelope(m.channelId(), m.seq(), m.msgId(), m.hash(), m.senderUser(), m.senderDevice(),
              m.clientMsgId(), m.kind(), m.payload(), m.ts());
          if (show(new LocalLog.Kept(e, null))) {
            // The read goes out before the count can end the command, which then waits for it.
            markRead(s, channel, m.seq());
            countLive();
          }
        }
      }

      @Override
      public void undecryptable(Message m, String reason) {
        if (channel.equals(m.channelId()) && live) {
          if (show(new LocalLog.Kept(new Envelope(m.channelId(), m.seq(), m.msgId(), m.hash(), m.senderUser(),
              m.senderDevice(), m.clientMsgId(), m.kind(), new byte[0], m.ts()), reason))) {
            countLive();
          }
        }
      }
    };
  }

  /** Prints a message newer than everything shown so far; counts it once live. Runs on either thread. */
  private synchronized boolean show(LocalLog.Kept k) {
    if (k.envelope().seq() <= shownUpTo || !"application".equals(k.envelope().kind())) {
      return false;
    }
    shownUpTo = k.envelope().seq();
    printer.kept(k);
    return true;
  }

  /** One more new message shown since going live (ends the command at {@code --count}). */
  private void countLive() {
    if (live && count > 0) {
      done.countDown();
    }
  }

  /** Runs on the client's event loop: marks read without waiting for the answer. */
  private void markRead(Session s, UUID channel, long seq) {
    lastRead.set(s.api().post("/v1/chats/" + channel + "/read", s.token(), new JsonObject().put("seq", seq))
        .onFailure(err -> err().println("parley: warning: could not mark read: "
            + Errors.toCliError(err).getMessage())));
  }

  /**
   * Without E2EE, starts every other chat at its latest message, so messages arriving there are not mistaken for a
   * gap the client would fill from the chat's whole history.
   */
  private static void trackChats(ParleyClient client, JsonObject page) {
    page.getJsonArray("chats").forEach(o -> {
      JsonObject last = ((JsonObject) o).getJsonObject("lastMessage");
      if (last != null) {
        Envelope e = Envelope.fromJson(last);
        client.track(e.channelId(), e.seq(), e.hash());
      }
    });
  }

  private void startInput(ParleyClient client, UUID channel) {
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          if (line.isBlank()) {
            continue;
          }
          if (line.getBytes(StandardCharsets.UTF_8).length > MessageCommands.MAX_TEXT_BYTES) {
            err().println("parley: message too long, not sent");
            continue;
          }
          client.send(channel, "application", Content.text(line))
              .onFailure(err -> err().println("parley: not sent: " + Errors.toCliError(err).getMessage()));
        }
      } catch (java.io.IOException e) {
        err().println("parley: stdin: " + e.getMessage());
      }
    }, "parley-stdin");
    reader.setDaemon(true);
    reader.start();
  }
}
