package dev.parley.mls;

import java.util.Optional;
import java.util.UUID;

/**
 * The device keys a client trusts: the server's key directory as this device has fetched (and verified) it.
 * Bouncy Castle accepts any credential, so the layer asks this after every join and commit, for every leaf.
 * Answers come from a local cache: fetch the keys of devices a commit will introduce before handling it.
 */
public interface KeyDirectory {

  /** The Ed25519 public key (32 bytes, as MLS encodes it) registered for {@code deviceId}, if the device is known. */
  Optional<byte[]> signatureKey(UUID deviceId);
}
