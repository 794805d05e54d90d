package dev.parley.mls;

/**
 * The outcome of handling a commit from the log.
 *
 * @param own              the commit was this device's pending one
 * @param pendingDiscarded this device had a different commit pending for the same epoch: it lost and must rebuild
 * @param removed          the commit removed this device; the session is now inactive
 */
public record HandledCommit(long epoch, boolean own, boolean pendingDiscarded, boolean removed) {
}
