package dev.parley.mls;

import org.bouncycastle.mls.protocol.Group;

/**
 * A commit this device built and has not yet seen on the channel's log. {@link #commit()} goes on the log (a
 * PublicMessage); {@link #welcome()} (null when nobody is added) goes to the added devices' inboxes;
 * {@link #groupInfo()} and {@link #ratchetTree()} describe the epoch the commit leads to and are uploaded once the
 * commit is accepted. The successor state is held here until then.
 */
public final class PendingCommit {

  private final byte[] commit;
  private final byte[] welcome;
  private final Group next;

  PendingCommit(byte[] commit, byte[] welcome, Group next) {
    this.commit = commit;
    this.welcome = welcome;
    this.next = next;
  }

  public byte[] commit() {
    return commit.clone();
  }

  public byte[] welcome() {
    return welcome == null ? null : welcome.clone();
  }

  /** The epoch the commit leads to. */
  public long epoch() {
    return next.getEpoch();
  }

  public byte[] groupInfo() {
    return BcChannelSession.groupInfoOf(next);
  }

  public byte[] ratchetTree() {
    return MlsWire.encode(next.getTree());
  }

  Group next() {
    return next;
  }

  byte[] commitBytes() {
    return commit;
  }

  byte[] welcomeBytes() {
    return welcome;
  }
}
