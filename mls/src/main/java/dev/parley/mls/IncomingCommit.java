package dev.parley.mls;

import java.util.Arrays;
import org.bouncycastle.mls.TreeKEM.LeafIndex;
import org.bouncycastle.mls.codec.Commit;
import org.bouncycastle.mls.codec.ContentType;
import org.bouncycastle.mls.codec.FramedContent;
import org.bouncycastle.mls.codec.MLSMessage;
import org.bouncycastle.mls.codec.ProposalOrRef;
import org.bouncycastle.mls.codec.ProposalOrRefType;
import org.bouncycastle.mls.codec.ProposalType;
import org.bouncycastle.mls.codec.SenderType;
import org.bouncycastle.mls.codec.WireFormat;

/**
 * A handshake message from the log, checked before BC sees it: a PublicMessage carrying a commit (Parley sends no
 * standalone proposals), for this group and this epoch, and — because BC 1.84 does not validate them — no Remove
 * in an external commit. Everything here is readable by the server too, which makes the same checks.
 */
final class IncomingCommit {

  final MLSMessage message;
  final FramedContent content;

  private IncomingCommit(MLSMessage message, FramedContent content) {
    this.message = message;
    this.content = content;
  }

  static IncomingCommit parse(byte[] bytes, byte[] groupId, long epoch) {
    IncomingCommit incoming = parse(bytes);
    FramedContent content = incoming.content;
    if (!Arrays.equals(content.getGroupID(), groupId)) {
      throw new MlsException(MlsException.Reason.WRONG_GROUP, "commit for another group");
    }
    if (content.getEpoch() < epoch) {
      throw new MlsException(MlsException.Reason.STALE_EPOCH, "commit for epoch " + content.getEpoch()
          + ", group is at " + epoch);
    }
    if (content.getEpoch() > epoch) {
      throw new MlsException(MlsException.Reason.FUTURE_EPOCH, "commit for epoch " + content.getEpoch()
          + ", group is at " + epoch);
    }
    return incoming;
  }

  /** The group-independent checks: a canonical PublicMessage carrying a commit with inline proposals only. */
  static IncomingCommit parse(byte[] bytes) {
    MLSMessage message = MlsWire.decode(bytes, WireFormat.mls_public_message);
    FramedContent content = BcInternals.content(message.publicMessage);
    if (content.getContentType() != ContentType.COMMIT) {
      throw new MlsException(MlsException.Reason.UNSUPPORTED, "only commits travel as handshake messages");
    }
    IncomingCommit incoming = new IncomingCommit(message, content);
    incoming.checkProposals();
    return incoming;
  }

  boolean external() {
    return content.getSender().getSenderType() == SenderType.NEW_MEMBER_COMMIT;
  }

  /** The committer's leaf, or null for an external commit. */
  LeafIndex sender() {
    return content.getSender().getSenderType() == SenderType.MEMBER ? content.getSender().getSender() : null;
  }

  boolean removes(LeafIndex leaf) {
    Commit commit = content.getCommit();
    for (ProposalOrRef ref : commit.getProposals()) {
      if (ref.getType() == ProposalOrRefType.PROPOSAL && ref.getProposal().getProposalType() == ProposalType.REMOVE
          && ref.getProposal().getRemove().removed.equals(leaf)) {
        return true;
      }
    }
    return false;
  }

  private void checkProposals() {
    for (ProposalOrRef ref : content.getCommit().getProposals()) {
      if (ref.getType() != ProposalOrRefType.PROPOSAL) {
        throw new MlsException(MlsException.Reason.UNSUPPORTED, "commit refers to a standalone proposal");
      }
      if (external() && ref.getProposal().getProposalType() == ProposalType.REMOVE) {
        throw new MlsException(MlsException.Reason.UNSUPPORTED, "external commit carrying a Remove");
      }
    }
  }
}
