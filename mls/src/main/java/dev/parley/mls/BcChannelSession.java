package dev.parley.mls;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.bouncycastle.mls.TreeKEM.LeafIndex;
import org.bouncycastle.mls.TreeKEM.LeafNode;
import org.bouncycastle.mls.codec.AuthenticatedContent;
import org.bouncycastle.mls.codec.ContentType;
import org.bouncycastle.mls.codec.MLSMessage;
import org.bouncycastle.mls.codec.Proposal;
import org.bouncycastle.mls.codec.SenderType;
import org.bouncycastle.mls.codec.WireFormat;
import org.bouncycastle.mls.crypto.Secret;
import org.bouncycastle.mls.protocol.Group;

/** {@link ChannelSession} on Bouncy Castle's {@link Group}. Built by {@link MlsDevice}. */
final class BcChannelSession implements ChannelSession {

  private final UUID channelId;
  private final MlsDevice device;
  private Group group;
  private List<UUID> members;
  private PendingCommit pending;
  private boolean active = true;

  BcChannelSession(UUID channelId, MlsDevice device, Group group, PendingCommit pending, boolean active) {
    this.channelId = channelId;
    this.device = device;
    this.group = group;
    this.pending = pending;
    this.active = active;
    this.members = device.leaves().check(group.getTree());
  }

  @Override
  public UUID channelId() {
    return channelId;
  }

  @Override
  public long epoch() {
    return group.getEpoch();
  }

  @Override
  public byte[] epochAuthenticator() {
    return group.getEpochAuthenticator().clone();
  }

  @Override
  public List<UUID> members() {
    return List.copyOf(members);
  }

  @Override
  public boolean active() {
    return active;
  }

  @Override
  public PendingCommit add(List<byte[]> keyPackages) {
    requireActive();
    List<Proposal> proposals = new ArrayList<>();
    for (byte[] keyPackage : keyPackages) {
      KeyPackageCheck.Checked checked = device.checkPeerKeyPackage(keyPackage);
      try {
        proposals.add(Proposal.add(checked.keyPackage()));
      } catch (IOException e) {
        throw new MlsException(MlsException.Reason.MALFORMED, "KeyPackage does not encode", e);
      }
    }
    return commit(proposals);
  }

  @Override
  public PendingCommit remove(Collection<UUID> devices) {
    requireActive();
    List<Proposal> proposals = new ArrayList<>();
    for (UUID removed : devices) {
      if (removed.equals(device.identity().deviceId())) {
        throw new MlsException(MlsException.Reason.UNSUPPORTED, "a device cannot commit its own removal");
      }
      List<LeafIndex> leaves = leavesOf(removed);
      if (leaves.isEmpty()) {
        throw new MlsException(MlsException.Reason.NOT_A_MEMBER, "device " + removed + " is not in the group");
      }
      leaves.forEach(leaf -> proposals.add(Proposal.remove(leaf)));
    }
    return commit(proposals);
  }

  @Override
  public PendingCommit pending() {
    return pending;
  }

  @Override
  public HandledCommit handle(byte[] commit) {
    requireActive();
    IncomingCommit incoming = IncomingCommit.parse(commit, group.getGroupID(), group.getEpoch());
    boolean own = group.getIndex().equals(incoming.sender());
    if (own && (pending == null || !Arrays.equals(pending.commitBytes(), commit))) {
      throw new MlsException(MlsException.Reason.REJECTED, "a commit signed as this device that it did not build");
    }
    if (!incoming.external() && incoming.removes(group.getIndex())) {
      active = false;
      pending = null;
      return new HandledCommit(group.getEpoch() + 1, false, false, true);
    }
    Group next;
    try {
      next = group.handle(commit, own ? pending.next() : null);
    } catch (Exception e) {
      throw new MlsException(MlsException.Reason.REJECTED, "commit refused: " + e.getMessage(), e);
    }
    List<UUID> nextMembers = device.leaves().check(next.getTree());
    boolean discarded = pending != null && !own;
    group = next;
    members = nextMembers;
    pending = null;
    return new HandledCommit(group.getEpoch(), own, discarded, false);
  }

  @Override
  public byte[] encrypt(byte[] plaintext) {
    requireActive();
    try {
      return MlsWire.encode(group.protect(new byte[0], plaintext, 0));
    } catch (Exception e) {
      throw new IllegalStateException("could not protect an application message", e);
    }
  }

  @Override
  public Decrypted decrypt(byte[] bytes) {
    requireActive();
    MLSMessage message = MlsWire.decode(bytes, WireFormat.mls_private_message);
    if (!Arrays.equals(BcInternals.groupId(message.privateMessage), group.getGroupID())) {
      throw new MlsException(MlsException.Reason.WRONG_GROUP, "message for another group");
    }
    long epoch = message.getEpoch();
    if (epoch != group.getEpoch()) {
      throw new MlsException(epoch < group.getEpoch() ? MlsException.Reason.STALE_EPOCH
          : MlsException.Reason.FUTURE_EPOCH, "message of epoch " + epoch + ", group is at " + group.getEpoch());
    }
    AuthenticatedContent auth;
    try {
      auth = BcInternals.unprotect(group, message);
    } catch (MlsException e) {
      throw e;
    } catch (Exception e) {
      throw new MlsException(MlsException.Reason.REJECTED, "cannot decrypt: " + e.getMessage(), e);
    }
    if (auth.getContent().getContentType() != ContentType.APPLICATION
        || auth.getContent().getSender().getSenderType() != SenderType.MEMBER) {
      throw new MlsException(MlsException.Reason.UNSUPPORTED, "not an application message from a member");
    }
    LeafNode leaf = group.getTree().getLeafNode(auth.getContent().getSender().getSender());
    try {
      return new Decrypted(DeviceCredentials.deviceOf(leaf), epoch, auth.getContent().getContentBytes());
    } catch (IOException e) {
      throw new MlsException(MlsException.Reason.MALFORMED, "application content does not decode", e);
    }
  }

  @Override
  public byte[] groupInfo() {
    return groupInfoOf(group);
  }

  @Override
  public byte[] ratchetTree() {
    return MlsWire.encode(group.getTree());
  }

  @Override
  public byte[] snapshot() {
    return SessionSnapshots.write(this);
  }

  Group group() {
    return group;
  }

  static byte[] groupInfoOf(Group group) {
    try {
      return MlsWire.encode(group.getGroupInfo(false));
    } catch (Exception e) {
      throw new IllegalStateException("could not sign GroupInfo", e);
    }
  }

  private PendingCommit commit(List<Proposal> proposals) {
    Group.GroupWithMessage built;
    try {
      built = group.commit(new Secret(device.randomBytes(32)), new Group.CommitOptions(proposals, false, false, null),
          new Group.MessageOptions(false, new byte[0], 0), new Group.CommitParameters(Group.NORMAL_COMMIT_PARAMS));
    } catch (Exception e) {
      throw new MlsException(MlsException.Reason.REJECTED, "could not build commit: " + e.getMessage(), e);
    }
    device.leaves().check(built.group.getTree());
    byte[] welcome = null;
    if (built.message.welcome != null && proposals.stream().anyMatch(p -> p.getAdd() != null)) {
      MLSMessage wrapped = new MLSMessage(WireFormat.mls_welcome);
      wrapped.welcome = built.message.welcome;
      welcome = MlsWire.encode(wrapped);
    }
    built.message.welcome = null;
    pending = new PendingCommit(MlsWire.encode(built.message), welcome, built.group);
    return pending;
  }

  private List<LeafIndex> leavesOf(UUID deviceId) {
    List<LeafIndex> found = new ArrayList<>();
    long count = group.getTree().getSize().leafCount();
    for (int i = 0; i < count; i++) {
      LeafNode leaf = group.getTree().getLeafNode(new LeafIndex(i));
      if (leaf != null && DeviceCredentials.deviceOf(leaf).equals(deviceId)) {
        found.add(new LeafIndex(i));
      }
    }
    return found;
  }

  private void requireActive() {
    if (!active) {
      throw new MlsException(MlsException.Reason.NOT_A_MEMBER, "this device was removed from the group");
    }
  }
}
