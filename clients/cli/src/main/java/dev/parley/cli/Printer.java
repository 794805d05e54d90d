package dev.parley.cli;

import dev.parley.protocol.Envelope;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * How messages are printed: {@code <time> #<seq> <sender>: <text>}, one message per line. Text from other users is
 * untrusted: control characters (terminal escape sequences among them) are replaced, and line breaks continue on
 * an indented line, so a message can neither forge other lines nor drive the terminal.
 */
public final class Printer {
  private final PrintWriter out;
  private final Names names;

  public Printer(PrintWriter out, Names names) {
    this.out = out;
    this.names = names;
  }

  /** Prints an application message; handshake frames (MLS commits, Welcomes) are not conversation and are skipped. */
  public void message(Envelope m) {
    if (!"application".equals(m.kind())) {
      return;
    }
    out.println(line(m));
    out.flush();
  }

  /** A kept message: shown like any other, or as undecryptable with the reason. */
  public void kept(LocalLog.Kept k) {
    Envelope m = k.envelope();
    if (k.undecryptable() == null) {
      message(m);
      return;
    }
    String time = Instant.ofEpochMilli(m.ts()).truncatedTo(ChronoUnit.SECONDS).toString();
    out.println(time + " #" + m.seq() + " " + names.name(m.senderUser()) + ": [cannot decrypt: "
        + safe(k.undecryptable()) + "]");
    out.flush();
  }

  public void message(dev.parley.client.Message m) {
    message(new Envelope(m.channelId(), m.seq(), m.msgId(), m.hash(), m.senderUser(), m.senderDevice(),
        m.clientMsgId(), m.kind(), m.payload(), m.ts()));
  }

  String line(Envelope m) {
    String who = names.name(m.senderUser());
    String time = Instant.ofEpochMilli(m.ts()).truncatedTo(ChronoUnit.SECONDS).toString();
    return time + " #" + m.seq() + " " + who + ": " + body(m.channelId(), m.seq(), Content.decode(m.payload()));
  }

  /** The readable part of a message (also the chat list's preview). */
  static String body(UUID channelId, long seq, Content content) {
    if (content instanceof Content.Text t) {
      return safe(t.text());
    }
    if (content instanceof Content.File f) {
      return "[file " + safe(f.name()) + ", " + f.attachment().plaintextSize() + " bytes] (parley download "
          + channelId + ":" + seq + " <path>)";
    }
    byte[] raw = ((Content.Other) content).payload();
    return "[" + raw.length + " bytes not in the CLI's format] " + safe(new String(raw, StandardCharsets.UTF_8));
  }

  /** Replaces control characters; a line break becomes a break plus indentation. */
  public static String safe(String s) {
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().forEach(c -> {
      if (c == '\n') {
        b.append("\n    ");
      } else if (Character.isISOControl(c) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)) {
        b.append('\uFFFD');
      } else {
        b.appendCodePoint(c);
      }
    });
    return b.toString();
  }
}
