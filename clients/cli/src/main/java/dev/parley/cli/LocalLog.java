package dev.parley.cli;

import dev.parley.client.Message;
import dev.parley.protocol.ChainHash;
import dev.parley.protocol.Envelope;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * The messages this device has decrypted, per chat, in {@code <profile>.d/chats/<chatId>.jsonl} (mode 0600): with
 * end-to-end encryption the server's history is ciphertext a device can decrypt only once (MLS deletes a message key
 * after use; a sender cannot decrypt its own message at all), so what this profile has read is kept here and
 * {@code history}, {@code open} and {@code download} read it. Each line also marks how far the device has read the
 * chat's log, where its next connection resumes. A message the device cannot decrypt (sent before it joined, after it
 * was removed) is kept as such, so it is shown as undecryptable instead of being fetched again and again.
 */
final class LocalLog {
  /** Where the device stands in a chat: the last message it read and that message's chain hash. */
  record Position(long seq, byte[] hash) {
  }

  private final Path dir;
  /** Positions read or written by this process, so an append does not re-read the file. */
  private final java.util.Map<UUID, Position> positions = new java.util.HashMap<>();

  LocalLog(Path dir) {
    this.dir = dir;
  }

  private Path file(UUID channel) {
    return dir.resolve(channel + ".jsonl");
  }

  /** Chats this device has read before (each gets tracked from its position). */
  List<UUID> chats() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jsonl"))
          .map(n -> UUID.fromString(n.substring(0, n.length() - ".jsonl".length()))).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  synchronized Position position(UUID channel) {
    return positions.computeIfAbsent(channel, this::readPosition);
  }

  private Position readPosition(UUID channel) {
    List<JsonObject> lines = lines(channel);
    if (lines.isEmpty()) {
      return new Position(0, ChainHash.genesis());
    }
    JsonObject last = lines.get(lines.size() - 1);
    return new Position(last.getLong("seq"), Base64.getDecoder().decode(last.getString("hash")));
  }

  /** Keeps a decrypted message (its payload is the plaintext); ignores one at or before the position. */
  synchronized void append(Message m) {
    append(m, null);
  }

  /** Keeps the place of a message this device cannot decrypt, and why. */
  synchronized void appendUndecryptable(Message m, String reason) {
    append(m, reason == null ? "undecryptable" : reason);
  }

  private void append(Message m, String undecryptable) {
    if (m.seq() <= position(m.channelId()).seq()) {
      return;
    }
    Envelope e = new Envelope(m.channelId(), m.seq(), m.msgId(), m.hash(), m.senderUser(), m.senderDevice(),
        m.clientMsgId(), m.kind(), undecryptable == null ? m.payload() : new byte[0], m.ts());
    JsonObject line = e.toJson();
    if (undecryptable != null) {
      line.put("undecryptable", undecryptable);
    }
    write(m.channelId(), line.encode() + "\n");
    positions.put(m.channelId(), new Position(m.seq(), m.hash()));
    notifyAll();
  }

  /**
   * Waits until the device has read the chat up to {@code seq} (the connection appends as it decrypts); false if
   * {@code limit} passed first.
   */
  synchronized boolean awaitPosition(UUID channel, long seq, java.time.Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (position(channel).seq() < seq) {
      long left = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        return false;
      }
      try {
        wait(left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** The newest {@code last} kept messages with seq below {@code before} (0: no bound), oldest first. */
  synchronized List<Kept> read(UUID channel, long before, int last) {
    List<Kept> all = new ArrayList<>();
    for (JsonObject j : lines(channel)) {
      if (before == 0 || j.getLong("seq") < before) {
        all.add(new Kept(Envelope.fromJson(j), j.getString("undecryptable")));
      }
    }
    return all.subList(Math.max(0, all.size() - last), all.size());
  }

  /** One kept message: the envelope with its plaintext, or the reason it could not be decrypted. */
  record Kept(Envelope envelope, String undecryptable) {
  }

  private List<JsonObject> lines(UUID channel) {
    Path f = file(channel);
    if (!Files.exists(f)) {
      return List.of();
    }
    try {
      List<JsonObject> out = new ArrayList<>();
      for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          out.add(new JsonObject(line));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void write(UUID channel, String line) {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      Path f = file(channel);
      if (!Files.exists(f)) {
        Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.writeString(f, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep a message in " + dir, e);
    }
  }
}
