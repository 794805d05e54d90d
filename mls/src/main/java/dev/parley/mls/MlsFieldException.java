package dev.parley.mls;

/**
 * A refusal of one named part of a Delivery-Service input (the {@code send} frame's {@code payload},
 * {@code welcome}, {@code groupInfo} or {@code ratchetTree}), so the refusal can name the field; the reason is one
 * of {@link MlsException.Reason}.
 */
public final class MlsFieldException extends RuntimeException {

  private final String field;
  private final MlsException.Reason reason;

  public MlsFieldException(String field, MlsException.Reason reason, String message) {
    super(message);
    this.field = field;
    this.reason = reason;
  }

  public MlsFieldException(String field, MlsException cause) {
    super(cause.getMessage(), cause);
    this.field = field;
    this.reason = cause.reason();
  }

  public String field() {
    return field;
  }

  public MlsException.Reason reason() {
    return reason;
  }
}
