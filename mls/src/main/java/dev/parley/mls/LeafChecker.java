package dev.parley.mls;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.bouncycastle.mls.TreeKEM.LeafIndex;
import org.bouncycastle.mls.TreeKEM.LeafNode;
import org.bouncycastle.mls.TreeKEM.TreeKEMPublicKey;

/**
 * Checks every leaf of a ratchet tree against the key directory. BC 1.84 validates signatures but accepts any
 * credential, so without this a member could add a leaf claiming any device with a key of its choosing.
 */
final class LeafChecker {

  private final KeyDirectory directory;

  LeafChecker(KeyDirectory directory) {
    this.directory = directory;
  }

  /** The devices of the tree's non-blank leaves, in leaf order; refuses the whole tree on the first bad leaf. */
  List<UUID> check(TreeKEMPublicKey tree) {
    long leaves = tree.getSize().leafCount();
    List<UUID> devices = new ArrayList<>();
    for (int i = 0; i < leaves; i++) {
      LeafNode leaf = tree.getLeafNode(new LeafIndex(i));
      if (leaf == null) {
        continue;
      }
      UUID device = DeviceCredentials.deviceOf(leaf);
      byte[] registered = directory.signatureKey(device)
          .orElseThrow(() -> new MlsException(MlsException.Reason.UNKNOWN_DEVICE, "leaf " + device + " is unknown"));
      if (!Arrays.equals(registered, leaf.getSignatureKey())) {
        throw new MlsException(MlsException.Reason.KEY_MISMATCH, "leaf " + device + " has another signature key");
      }
      devices.add(device);
    }
    return devices;
  }
}
