package dev.parley.cli;

import dev.parley.client.ParleyClient;
import dev.parley.protocol.Envelope;

import java.util.List;
import java.util.UUID;

/**
 * Reading a chat for display. Without E2EE the server's history is the conversation. With E2EE it is ciphertext the
 * device decrypts once, in log order, so the device reads the chat's log through its connection up to the newest
 * message (each decrypted message kept in the {@link LocalLog}) and the command shows what is kept.
 */
final class Reading {
  private Reading() {
  }

  /** The newest {@code last} messages before {@code before} (0: none), oldest first. */
  static List<LocalLog.Kept> recent(Session s, UUID chat, long before, int last) {
    if (!s.profile().e2ee()) {
      return MessageCommands.page(s, chat, 0, before, last).stream().map(e -> new LocalLog.Kept(e, null)).toList();
    }
    s.await(s.api().get("/v1/chats/" + chat, s.token()));
    ParleyClient client = Live.connect(s);
    try {
      catchUp(s, client, chat);
    } finally {
      s.await(client.close());
    }
    return s.localLog().read(chat, before, last);
  }

  /**
   * Reads the chat's log through {@code client} until the device has kept its newest application message (commits
   * are applied, not kept). Waits at most the command's timeout, then shows what it has with a warning.
   */
  static void catchUp(Session s, ParleyClient client, UUID chat) {
    long target = lastApplicationSeq(s, chat);
    s.await(client.sync(chat));
    if (!s.localLog().awaitPosition(chat, target, s.timeout)) {
      System.err.println("parley: warning: messages up to #" + target + " were not all read within "
          + s.timeout.toSeconds() + " s; showing what was");
    }
  }

  /** The seq of the chat's newest application message on the server (0: none in the newest page). */
  private static long lastApplicationSeq(Session s, UUID chat) {
    List<Envelope> newest = MessageCommands.page(s, chat, 0, 0, 100);
    long seq = 0;
    for (Envelope e : newest) {
      if ("application".equals(e.kind())) {
        seq = Math.max(seq, e.seq());
      }
    }
    return seq;
  }

  /** The kept plaintext of message {@code seq}, if the device has it (chat previews). */
  static Envelope kept(Session s, UUID chat, long seq) {
    List<LocalLog.Kept> k = s.localLog().read(chat, seq + 1, 1);
    return k.isEmpty() || k.get(0).envelope().seq() != seq || k.get(0).undecryptable() != null ? null
        : k.get(0).envelope();
  }
}
