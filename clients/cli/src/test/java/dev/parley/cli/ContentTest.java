package dev.parley.cli;

import dev.parley.client.media.Attachment;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class ContentTest {
  @Test
  @DisplayName("text and file contents round-trip; the attachment key survives")
  void roundTrip() {
    assertThat(Content.decode(Content.text("{\"text\":\"nested\"}"))).isEqualTo(new Content.Text("{\"text\":\"nested\"}"));
    byte[] key = new byte[32];
    key[0] = 9;
    Attachment a = new Attachment(UUID.randomUUID(), UUID.randomUUID(), key, new byte[32], 116, 100);
    Content.File f = (Content.File) Content.decode(Content.file("x.txt", a));
    assertThat(f.name()).isEqualTo("x.txt");
    assertThat(f.attachment().key()).isEqualTo(key);
    assertThat(f.attachment().mediaId()).isEqualTo(a.mediaId());
  }

  @Test
  @DisplayName("payloads in other shapes are Other, never an exception")
  void foreign() {
    for (String s : new String[] {"", "null", "[1]", "{\"text\":5}", "{\"file\":{\"name\":\"a\"}}", "\u0000\u00ff"}) {
      assertThat(Content.decode(s.getBytes(StandardCharsets.UTF_8))).as(s).isInstanceOf(Content.Other.class);
    }
  }
}
