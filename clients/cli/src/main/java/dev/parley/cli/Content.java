package dev.parley.cli;

import dev.parley.client.media.Attachment;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;

/**
 * What the CLI puts in a message's payload (docs/cli.md, "Message content"): a UTF-8 JSON object, either
 * {@code {"text":"…"}} or {@code {"file":{<Attachment fields>,"name":"…"}}}. The payload is what {@code clients/java}
 * sends (and, with E2EE, encrypts); the attachment's key is in it, so it is exactly as private as the message.
 * Anything else received is shown as raw text.
 */
public sealed interface Content {
  record Text(String text) implements Content {
  }

  record File(String name, Attachment attachment) implements Content {
  }

  /** A payload not in this format (another client, or ciphertext the CLI cannot open). */
  record Other(byte[] payload) implements Content {
  }

  static byte[] text(String text) {
    return new JsonObject().put("text", text).encode().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] file(String name, Attachment attachment) {
    return new JsonObject().put("file", attachment.toJson().put("name", name)).encode().getBytes(StandardCharsets.UTF_8);
  }

  static Content decode(byte[] payload) {
    try {
      JsonObject j = new JsonObject(new String(payload, StandardCharsets.UTF_8));
      if (j.getValue("text") instanceof String s) {
        return new Text(s);
      }
      if (j.getValue("file") instanceof JsonObject f && f.getValue("name") instanceof String name) {
        return new File(name, Attachment.fromJson(f));
      }
    } catch (DecodeException | ClassCastException | IllegalArgumentException | NullPointerException notOurs) {
      // fall through: shown as it is
    }
    return new Other(payload);
  }
}
