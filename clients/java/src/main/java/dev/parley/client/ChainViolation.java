package dev.parley.client;

/**
 * The server's history did not verify: a hash that does not chain, or a fork (a seq already received arriving again
 * with another hash — the server handed one seq to two messages).
 */
public final class ChainViolation extends RuntimeException {
  public ChainViolation(String message) {
    super(message);
  }
}
