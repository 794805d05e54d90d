package dev.parley.mls;

import java.util.UUID;
import org.bouncycastle.mls.protocol.Group;

/**
 * The on-disk form of one {@link ChannelSession}: everything needed to keep reading and sending in the channel after
 * a restart, including a commit built but not yet seen on the log (so the device can still recognise and apply its
 * own commit when the log delivers it). Format (big-endian, see {@link SnapshotOut}):
 * <pre>
 *   int32 magic 'PMLS' | int32 kind 1 (session) | int32 version 1
 *   text channel id | bool active
 *   group state (GroupStateCodec, layout of bcmls 1.84)
 *   bool pending [ bytes commit | bytes welcome or null | group state of the next epoch ]
 * </pre>
 * The snapshot holds the group's secrets: store it like a private key (the client's state directory, mode 0600).
 */
public final class SessionSnapshots {

  static final int MAGIC = 0x504D4C53;
  static final int KIND_SESSION = 1;
  static final int KIND_DEVICE = 2;
  static final int VERSION = 1;

  private SessionSnapshots() {
  }

  static byte[] write(BcChannelSession session) {
    SnapshotOut out = new SnapshotOut().int32(MAGIC).int32(KIND_SESSION).int32(VERSION);
    out.text(session.channelId().toString()).bool(session.active());
    GroupStateCodec.write(session.group(), out);
    PendingCommit pending = session.pending();
    out.bool(pending != null);
    if (pending != null) {
      out.bytes(pending.commitBytes()).bytes(pending.welcomeBytes());
      GroupStateCodec.write(pending.next(), out);
    }
    return out.toByteArray();
  }

  static ChannelSession read(byte[] snapshot, MlsDevice device) {
    SnapshotIn in = new SnapshotIn(snapshot);
    header(in, KIND_SESSION);
    UUID channelId = channel(in.text());
    boolean active = in.bool();
    Group group = GroupStateCodec.read(in, device.identity());
    PendingCommit pending = null;
    if (in.bool()) {
      byte[] commit = in.requiredBytes();
      byte[] welcome = in.bytes();
      pending = new PendingCommit(commit, welcome, GroupStateCodec.read(in, device.identity()));
    }
    in.end();
    if (!java.util.Arrays.equals(group.getGroupID(), MlsGroupIds.forChannel(channelId))) {
      throw SnapshotIn.bad("group id is not the channel's");
    }
    return new BcChannelSession(channelId, device, group, pending, active);
  }

  static void header(SnapshotIn in, int kind) {
    if (in.int32() != MAGIC) {
      throw SnapshotIn.bad("not a Parley MLS snapshot");
    }
    int actualKind = in.int32();
    if (actualKind != kind) {
      throw SnapshotIn.bad("snapshot of kind " + actualKind + ", expected " + kind);
    }
    int version = in.int32();
    if (version != VERSION) {
      throw SnapshotIn.bad("snapshot version " + version + " (this build reads " + VERSION + ")");
    }
  }

  static UUID channel(String text) {
    try {
      UUID id = UUID.fromString(text);
      if (id.toString().equals(text)) {
        return id;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw SnapshotIn.bad("not a canonical id: " + text);
  }
}
