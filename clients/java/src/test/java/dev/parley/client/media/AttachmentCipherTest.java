package dev.parley.client.media;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import javax.crypto.AEADBadTagException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AttachmentCipherTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int CHUNK = AttachmentCipher.CHUNK;

  private static byte[] random(int size) {
    byte[] b = new byte[size];
    RANDOM.nextBytes(b);
    return b;
  }

  private static byte[] encrypt(byte[] key, byte[] plain) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AttachmentCipher.Sealed sealed = AttachmentCipher.encrypt(key, new ByteArrayInputStream(plain), out);
    assertThat(sealed.ciphertextLength()).isEqualTo(out.size())
        .isEqualTo(AttachmentCipher.ciphertextLength(plain.length));
    return out.toByteArray();
  }

  private static byte[] decrypt(byte[] key, byte[] sealed) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AttachmentCipher.decrypt(key, new ByteArrayInputStream(sealed), out);
    return out.toByteArray();
  }

  @Test
  @DisplayName("files of every size around the chunk boundaries round-trip, and the digest is over the ciphertext")
  void roundTrips() throws Exception {
    byte[] key = AttachmentCipher.newKey(RANDOM);
    for (int size : new int[] {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17}) {
      byte[] plain = random(size);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      AttachmentCipher.Sealed sealed = AttachmentCipher.encrypt(key, new ByteArrayInputStream(plain), out);
      assertThat(sealed.sha256()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(out.toByteArray()));
      assertThat(decrypt(key, out.toByteArray())).as("size " + size).isEqualTo(plain);
    }
  }

  @Test
  @DisplayName("the ciphertext does not contain the plaintext, and a fresh key gives a different ciphertext")
  void ciphertextHidesPlaintext() throws Exception {
    byte[] plain = ("MARKER-" + "x".repeat(200)).getBytes();
    byte[] a = encrypt(AttachmentCipher.newKey(RANDOM), plain);
    byte[] b = encrypt(AttachmentCipher.newKey(RANDOM), plain);
    assertThat(new String(a, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("MARKER");
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  @DisplayName("a flipped bit, a wrong key, swapped chunks, a dropped last chunk and a cut or extended tail are all detected")
  void tamperingDetected() throws Exception {
    byte[] key = AttachmentCipher.newKey(RANDOM);
    byte[] plain = random(3 * CHUNK + 100);
    byte[] sealed = encrypt(key, plain);
    int c = CHUNK + AttachmentCipher.TAG;

    byte[] flipped = sealed.clone();
    flipped[c + 5] ^= 1;
    assertBad(key, flipped);
    assertBad(AttachmentCipher.newKey(RANDOM), sealed);

    byte[] swapped = sealed.clone();
    System.arraycopy(sealed, 0, swapped, c, c);
    System.arraycopy(sealed, c, swapped, 0, c);
    assertBad(key, swapped);

    // Truncation at a chunk boundary: what is left ends with a chunk not sealed as final.
    assertBad(key, Arrays.copyOf(sealed, 3 * c));
    assertBad(key, Arrays.copyOf(sealed, 2 * c));
    // Truncation mid-chunk and trailing garbage.
    assertBad(key, Arrays.copyOf(sealed, sealed.length - 1));
    assertBad(key, Arrays.copyOf(sealed, sealed.length + 1));
    // A plaintext filling its chunks exactly ends in an empty final chunk; dropping it is detected too.
    byte[] exact = encrypt(key, random(2 * CHUNK));
    assertBad(key, Arrays.copyOf(exact, exact.length - AttachmentCipher.TAG));
    assertBad(key, new byte[0]);
  }

  private static void assertBad(byte[] key, byte[] sealed) {
    assertThatThrownBy(() -> decrypt(key, sealed)).isInstanceOf(IOException.class)
        .hasCauseInstanceOf(AEADBadTagException.class);
  }

  @Test
  @DisplayName("an attachment description survives the JSON a message carries")
  void attachmentJson() {
    Attachment a = new Attachment(java.util.UUID.randomUUID(), java.util.UUID.randomUUID(),
        AttachmentCipher.newKey(RANDOM), random(32), 1234, 1200);
    Attachment back = Attachment.fromJson(a.toJson());
    assertThat(back.key()).isEqualTo(a.key());
    assertThat(back.sha256()).isEqualTo(a.sha256());
    assertThat(back.mediaId()).isEqualTo(a.mediaId());
    assertThat(back.size()).isEqualTo(1234);
  }
}
