package dev.parley.client;

/** The server's history did not verify: a hash that does not chain, or a seq that went backwards with new content. */
public final class ChainViolation extends RuntimeException {
  public ChainViolation(String message) {
    super(message);
  }
}
