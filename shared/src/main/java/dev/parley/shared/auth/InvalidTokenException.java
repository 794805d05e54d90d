package dev.parley.shared.auth;

/** A token that must be refused (401). The message is written for the client and reveals nothing secret. */
public final class InvalidTokenException extends RuntimeException {
  public InvalidTokenException(String message) {
    super(message, null, false, false);
  }
}
