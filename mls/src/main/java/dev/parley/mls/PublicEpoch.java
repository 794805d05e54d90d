package dev.parley.mls;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.bouncycastle.mls.TreeKEM.LeafIndex;
import org.bouncycastle.mls.TreeKEM.LeafNode;
import org.bouncycastle.mls.TreeKEM.TreeKEMPublicKey;
import org.bouncycastle.mls.codec.Extension;
import org.bouncycastle.mls.codec.ExtensionType;
import org.bouncycastle.mls.codec.GroupInfo;
import org.bouncycastle.mls.codec.MLSInputStream;
import org.bouncycastle.mls.codec.WireFormat;

/**
 * The public state of one epoch of a channel's group, as the Delivery Service keeps it: read from the GroupInfo and
 * ratchet tree a committer sends with its commit. No secret is involved; what can be checked without one is:
 * canonical encodings, the suite, the group id, the tree's hash against the GroupInfo's group context, the tree's
 * parent hashes, every leaf naming a device, and the GroupInfo's signature by its signer's leaf key.
 *
 * @param groupContext the encoded GroupContext of this epoch (what a commit built on it signs over)
 * @param signerLeaf   the GroupInfo's signer (the committer, or the joiner of an external commit)
 * @param leaves       the non-blank leaves: index → device and its signature key, in leaf order
 */
public record PublicEpoch(byte[] groupId, long epoch, byte[] groupContext, int signerLeaf, Map<Integer, Leaf> leaves) {

  /** One occupied leaf. */
  public record Leaf(UUID device, byte[] signatureKey) {
  }

  /**
   * Reads and checks a GroupInfo (an MLSMessage of wire format mls_group_info, without a ratchet_tree extension)
   * and the ratchet tree it describes; failures are {@link MlsFieldException}s naming {@code groupInfo} or
   * {@code ratchetTree}.
   */
  public static PublicEpoch read(byte[] groupInfo, byte[] ratchetTree) {
    GroupInfo info;
    try {
      info = MlsWire.decode(groupInfo, WireFormat.mls_group_info).groupInfo;
    } catch (MlsException e) {
      throw new MlsFieldException("groupInfo", e);
    }
    if (info.getSuite().getSuiteID() != MlsSuite.ID) {
      throw new MlsFieldException("groupInfo", MlsException.Reason.WRONG_SUITE, "GroupInfo of another cipher suite");
    }
    boolean externalPub = false;
    for (Extension extension : info.getExtensions()) {
      if (extension.extensionType == ExtensionType.RATCHET_TREE) {
        throw new MlsFieldException("groupInfo", MlsException.Reason.MALFORMED,
            "GroupInfo carries the ratchet tree: send it in ratchetTree");
      }
      externalPub |= extension.extensionType == ExtensionType.EXTERNAL_PUB;
    }
    if (!externalPub) {
      throw new MlsFieldException("groupInfo", MlsException.Reason.MALFORMED, "GroupInfo without external_pub");
    }
    TreeKEMPublicKey tree = tree(ratchetTree);
    Map<Integer, Leaf> leaves = new LinkedHashMap<>();
    try {
      long count = tree.getSize().leafCount();
      for (int i = 0; i < count; i++) {
        LeafNode leaf = tree.getLeafNode(new LeafIndex(i));
        if (leaf != null) {
          leaves.put(i, new Leaf(DeviceCredentials.deviceOf(leaf), leaf.getSignatureKey()));
        }
      }
    } catch (MlsException e) {
      throw new MlsFieldException("ratchetTree", e);
    }
    byte[] treeHash = rootHash(tree);
    if (!Arrays.equals(treeHash, info.getGroupContext().getTreeHash())) {
      throw new MlsFieldException("ratchetTree", MlsException.Reason.MALFORMED,
          "the tree's hash is not the GroupInfo's tree hash");
    }
    int signer = info.getSigner().value();
    Leaf signerLeaf = leaves.get(signer);
    if (signerLeaf == null || !verify(info, signerLeaf.signatureKey())) {
      throw new MlsFieldException("groupInfo", MlsException.Reason.REJECTED,
          "GroupInfo signature does not verify with its signer's leaf key");
    }
    return new PublicEpoch(info.getGroupID(), info.getEpoch(), MlsWire.encode(info.getGroupContext()), signer,
        Collections.unmodifiableMap(leaves));
  }

  /** The leaf index of {@code device}, or -1. */
  public int leafOf(UUID device) {
    for (Map.Entry<Integer, Leaf> e : leaves.entrySet()) {
      if (e.getValue().device().equals(device)) {
        return e.getKey();
      }
    }
    return -1;
  }

  private static boolean verify(GroupInfo info, byte[] key) {
    try {
      return info.verify(MlsSuite.get(), key);
    } catch (Exception e) {
      return false;
    }
  }

  private static TreeKEMPublicKey tree(byte[] ratchetTree) {
    try {
      TreeKEMPublicKey tree = (TreeKEMPublicKey) MLSInputStream.decode(ratchetTree, TreeKEMPublicKey.class);
      if (!Arrays.equals(MlsWire.encode(tree), ratchetTree)) {
        throw new MlsFieldException("ratchetTree", MlsException.Reason.MALFORMED,
            "ratchet tree is not canonically encoded");
      }
      tree.setSuite(MlsSuite.get());
      tree.setHashAll();
      if (!tree.verifyParentHash()) {
        throw new MlsFieldException("ratchetTree", MlsException.Reason.MALFORMED, "ratchet tree parent hashes do not verify");
      }
      return tree;
    } catch (MlsFieldException e) {
      throw e;
    } catch (MlsException e) {
      throw new MlsFieldException("ratchetTree", e);
    } catch (Exception | AssertionError e) {
      throw new MlsFieldException("ratchetTree", MlsException.Reason.MALFORMED, "not a ratchet tree: " + e.getMessage());
    }
  }

  private static byte[] rootHash(TreeKEMPublicKey tree) {
    try {
      return tree.getRootHash();
    } catch (Exception e) {
      throw new MlsFieldException("ratchetTree", MlsException.Reason.MALFORMED, "ratchet tree has no root hash");
    }
  }
}
