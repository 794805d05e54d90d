package dev.parley.mls;

/**
 * An MLS input or state transition the layer refuses. The {@link Reason} is stable: callers map it to a protocol
 * error (the client retries on {@link Reason#STALE_EPOCH}, the key directory turns KeyPackage reasons into
 * problem+json codes); the message is for logs and people, never parsed.
 */
public final class MlsException extends RuntimeException {

  /** Why the layer refused. */
  public enum Reason {
    /** Not a well-formed MLS message of the expected kind (bad encoding, trailing bytes, wrong wire format). */
    MALFORMED,
    /** A cipher suite other than 0x0001. */
    WRONG_SUITE,
    /** The message belongs to another group than this channel's. */
    WRONG_GROUP,
    /** Built on an older epoch than the group's current one: catch up, then rebuild and retry. */
    STALE_EPOCH,
    /** Built on a newer epoch than the group's current one: commits are missing, fetch them first. */
    FUTURE_EPOCH,
    /** Authentication or decryption failed (forged sender, wrong keys, replayed or tampered ciphertext). */
    REJECTED,
    /** A leaf, KeyPackage or credential names a device the key directory does not know. */
    UNKNOWN_DEVICE,
    /** The signature key does not match the one the key directory holds for that device. */
    KEY_MISMATCH,
    /** The credential is not a BasicCredential naming a device id in canonical form. */
    BAD_CREDENTIAL,
    /** A KeyPackage whose lifetime has not started, is over, or is longer than allowed. */
    BAD_LIFETIME,
    /** Something this layer deliberately does not support (standalone proposals, removes in external commits). */
    UNSUPPORTED,
    /** A device to remove is not in the group, or this device is not a member. */
    NOT_A_MEMBER,
    /** A snapshot that is corrupt, of an unknown version, or written for another library layout. */
    BAD_SNAPSHOT
  }

  private final Reason reason;

  public MlsException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public MlsException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
