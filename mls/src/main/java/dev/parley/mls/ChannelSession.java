package dev.parley.mls;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * This device's view of one channel's MLS group. Not thread-safe: a client drives each channel from one thread (or
 * one Vert.x context), in log order.
 *
 * <p>Commits follow the Delivery-Service rule: {@link #add} and {@link #remove} only <em>build</em> a commit (kept
 * as {@link #pending()}); the state moves to the new epoch when that commit comes back on the channel's log through
 * {@link #handle}. If another device's commit for the same epoch is sequenced first, handling it discards the
 * pending one (see {@link HandledCommit#pendingDiscarded()}) and the caller rebuilds its change on the new epoch.
 */
public interface ChannelSession {

  UUID channelId();

  /** The current epoch. */
  long epoch();

  /** RFC 9420 epoch_authenticator: equal on two devices iff they are in the same epoch of the same group. */
  byte[] epochAuthenticator();

  /** The devices of the group's leaves, in leaf order (this device included). */
  List<UUID> members();

  /** False once a handled commit removed this device: it can neither send nor read anything newer. */
  boolean active();

  /** Builds a commit adding the devices whose KeyPackages are given (each checked against the key directory). */
  PendingCommit add(List<byte[]> keyPackages);

  /** Builds a commit removing every leaf of the given devices (with a path, so the removed lose the new keys). */
  PendingCommit remove(Collection<UUID> devices);

  /** The commit built and not yet seen on the log, or null. */
  PendingCommit pending();

  /** Applies the next commit from the channel's log (this device's own or another's). */
  HandledCommit handle(byte[] commit);

  /** An application message (PrivateMessage) for the current epoch. */
  byte[] encrypt(byte[] plaintext);

  /** Decrypts another device's application message of the current epoch. */
  Decrypted decrypt(byte[] message);

  /** Signed GroupInfo of the current epoch (with external_pub, without the tree), for external joins. */
  byte[] groupInfo();

  /** The current ratchet tree, served beside Welcome and GroupInfo rather than inside them. */
  byte[] ratchetTree();

  /** This session's state (including a pending commit), in the versioned format of {@link SessionSnapshots}. */
  byte[] snapshot();
}
