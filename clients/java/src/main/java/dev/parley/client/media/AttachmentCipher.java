package dev.parley.client.media;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * Streaming encryption of an attachment with the JDK's AES-256-GCM, so a file of any size is encrypted and decrypted
 * in constant memory. The plaintext is cut into {@value #CHUNK}-byte chunks (the last one shorter, possibly empty);
 * chunk i is sealed under the file's fresh key with the 12-byte big-endian nonce i (a key is used for one file
 * only, so a counter never repeats a nonce) and one byte of associated data saying whether it is the final chunk.
 * Reordered, dropped, duplicated or altered chunks fail their tag; a ciphertext cut at a chunk boundary fails
 * because its new last chunk was not sealed as final; appended chunks fail because nothing follows a final one.
 * Ciphertext length = plaintext length + 16 × (plaintext length / CHUNK + 1).
 */
public final class AttachmentCipher {
  public static final int CHUNK = 64 * 1024;
  public static final int TAG = 16;
  public static final int KEY_BYTES = 32;
  private static final byte FINAL = 1;
  private static final byte NOT_FINAL = 0;

  private AttachmentCipher() {
  }

  /** A fresh random 256-bit key (one per attachment). */
  public static byte[] newKey(SecureRandom random) {
    byte[] key = new byte[KEY_BYTES];
    random.nextBytes(key);
    return key;
  }

  public static long ciphertextLength(long plaintextLength) {
    return plaintextLength + (long) TAG * (plaintextLength / CHUNK + 1);
  }

  /** What encryption produced: the ciphertext's length and SHA-256 (what the server is told). */
  public record Sealed(long plaintextLength, long ciphertextLength, byte[] sha256) {
  }

  /** Encrypts all of {@code in} to {@code out}; both streams are left open. */
  public static Sealed encrypt(byte[] key, InputStream in, OutputStream out) throws IOException {
    MessageDigest digest = sha256();
    byte[] chunk = new byte[CHUNK];
    long plain = 0;
    long sealed = 0;
    for (long index = 0; ; index++) {
      int length = in.readNBytes(chunk, 0, CHUNK);
      // Only a short chunk is final, so a plaintext that fills its last chunk exactly gets an empty final chunk:
      // the end is always marked.
      boolean last = length < CHUNK;
      byte[] ciphertext = seal(key, index, last, chunk, length);
      digest.update(ciphertext);
      out.write(ciphertext);
      plain += length;
      sealed += ciphertext.length;
      if (last) {
        return new Sealed(plain, sealed, digest.digest());
      }
    }
  }

  /**
   * Decrypts all of {@code in} (a whole ciphertext) to {@code out}. Throws an IOException caused by
   * {@link AEADBadTagException} at the first chunk that was altered, reordered, dropped or cut; plaintext written
   * before the failure must be discarded by the caller.
   */
  public static long decrypt(byte[] key, InputStream in, OutputStream out) throws IOException {
    byte[] chunk = new byte[CHUNK + TAG];
    long plain = 0;
    for (long index = 0; ; index++) {
      int length = in.readNBytes(chunk, 0, chunk.length);
      if (length < TAG) {
        throw new IOException("attachment ciphertext is truncated before chunk " + index,
            new AEADBadTagException("chunk too short"));
      }
      boolean last = length < chunk.length;
      byte[] plaintext = open(key, index, last, chunk, length);
      out.write(plaintext);
      plain += plaintext.length;
      if (last) {
        return plain;
      }
    }
  }

  private static byte[] seal(byte[] key, long index, boolean last, byte[] data, int length) {
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, key, index, last);
      return cipher.doFinal(data, 0, length);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable", e);
    }
  }

  private static byte[] open(byte[] key, long index, boolean last, byte[] data, int length) throws IOException {
    try {
      return cipher(Cipher.DECRYPT_MODE, key, index, last).doFinal(data, 0, length);
    } catch (AEADBadTagException e) {
      throw new IOException("attachment chunk " + index + " failed authentication (altered, reordered or truncated)",
          e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable", e);
    }
  }

  private static Cipher cipher(int mode, byte[] key, long index, boolean last) throws GeneralSecurityException {
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException("an attachment key has " + KEY_BYTES + " bytes");
    }
    byte[] nonce = ByteBuffer.allocate(12).putInt(0).putLong(index).array();
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG * 8, nonce));
    cipher.updateAAD(new byte[] {last ? FINAL : NOT_FINAL});
    return cipher;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
