package dev.parley.mls;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.bouncycastle.mls.codec.ProposalOrRef;
import org.bouncycastle.mls.codec.ProposalOrRefType;
import org.bouncycastle.mls.codec.ProposalType;

/**
 * What a commit changes, read from its PublicMessage without any group secret: what the Delivery Service checks
 * against channel membership (group, epoch, which devices are added, which leaves removed) and what a client must
 * fetch from the key directory before {@link ChannelSession#handle} (the keys of the devices it adds).
 *
 * @param committerLeaf  the committing member's leaf index, or -1 for an external commit
 * @param addedDevices   devices named by the Add proposals' KeyPackages
 * @param joiningDevice  for an external commit, the device joining; else null
 * @param removedLeaves  leaf indexes of the Remove proposals (map them to devices with the ratchet tree)
 */
public record CommitSummary(byte[] groupId, long epoch, int committerLeaf, List<UUID> addedDevices,
                            UUID joiningDevice, List<Integer> removedLeaves) {

  /** Reads a handshake message; refuses what {@link ChannelSession#handle} would refuse without keys. */
  public static CommitSummary of(byte[] commit) {
    IncomingCommit incoming = IncomingCommit.parse(commit);
    List<UUID> added = new ArrayList<>();
    List<Integer> removed = new ArrayList<>();
    for (ProposalOrRef ref : incoming.content.getCommit().getProposals()) {
      if (ref.getType() != ProposalOrRefType.PROPOSAL) {
        continue;
      }
      if (ref.getProposal().getProposalType() == ProposalType.ADD) {
        added.add(DeviceCredentials.deviceOf(ref.getProposal().getAdd().keyPackage.getLeafNode()));
      } else if (ref.getProposal().getProposalType() == ProposalType.REMOVE) {
        removed.add(ref.getProposal().getRemove().removed.value());
      }
    }
    UUID joining = null;
    if (incoming.external()) {
      if (incoming.content.getCommit().getUpdatePath() == null) {
        throw new MlsException(MlsException.Reason.MALFORMED, "external commit without an update path");
      }
      joining = DeviceCredentials.deviceOf(incoming.content.getCommit().getUpdatePath().getLeafNode());
    }
    return new CommitSummary(incoming.content.getGroupID(), incoming.content.getEpoch(),
        incoming.sender() == null ? -1 : incoming.sender().value(), List.copyOf(added), joining,
        List.copyOf(removed));
  }
}
