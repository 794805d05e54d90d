package dev.parley.mls;

import java.util.UUID;

/** A decrypted application message and the device whose leaf signed it. */
public record Decrypted(UUID senderDevice, long epoch, byte[] plaintext) {
}
