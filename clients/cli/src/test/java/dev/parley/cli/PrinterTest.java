package dev.parley.cli;

import dev.parley.client.media.Attachment;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class PrinterTest {
  private static final UUID CHAT = UUID.fromString("0b9f3c2e-5a61-4d1e-9c4b-2f7d8e6a1b30");

  @Test
  @DisplayName("terminal escapes, bidi overrides and carriage returns from others are neutralised")
  void controlCharactersNeutralised() {
    assertThat(Printer.safe("red \u001b[31mALERT\u001b[0m\rfake\u202Eevil")).isEqualTo("red �[31mALERT�[0m�fake�evil");
    assertThat(Printer.safe("two\nlines")).isEqualTo("two\n    lines");
    assertThat(Printer.safe("émoji 👍 ok")).isEqualTo("émoji 👍 ok");
  }

  @Test
  @DisplayName("a text, a file and a foreign payload each print as documented")
  void bodies() {
    assertThat(Printer.body(CHAT, 3, Content.decode(Content.text("hi")))).isEqualTo("hi");
    Attachment a = new Attachment(UUID.randomUUID(), CHAT, new byte[32], new byte[32], 1040, 1000);
    assertThat(Printer.body(CHAT, 7, Content.decode(Content.file("a.pdf", a))))
        .isEqualTo("[file a.pdf, 1000 bytes] (parley download " + CHAT + ":7 <path>)");
    assertThat(Printer.body(CHAT, 8, Content.decode("plain".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo("[5 bytes not in the CLI's format] plain");
  }
}
