package dev.parley.mls;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.mls.GroupKeySet;
import org.bouncycastle.mls.KeyScheduleEpoch;
import org.bouncycastle.mls.TranscriptHash;
import org.bouncycastle.mls.TreeKEM.LeafIndex;
import org.bouncycastle.mls.TreeKEM.TreeKEMPrivateKey;
import org.bouncycastle.mls.TreeKEM.TreeKEMPublicKey;
import org.bouncycastle.mls.codec.Extension;
import org.bouncycastle.mls.codec.MLSInputStream;
import org.bouncycastle.mls.crypto.MlsCipherSuite;
import org.bouncycastle.mls.protocol.Group;

/**
 * Writes and rebuilds a BC 1.84 {@link Group}, which has no serialiser: its private fields are read and set by
 * reflection (the only way in), public structures (tree, extensions) travel in their MLS encoding, secrets and keys
 * as bytes (see {@link KeyStateCodec}). Layout version 1 is tied to bcmls 1.84: a BC upgrade that renames a field
 * fails loudly here, in {@code GroupSnapshotTest}, not silently in a user's restore.
 *
 * <p>Not kept: resumption PSKs of past epochs (Parley sends no PSK proposals; BC would otherwise grow this map by
 * one entry per epoch forever). Refused: queued standalone proposals, a cached Update, external PSKs — Parley's
 * layer never creates them, so a state holding one is not a state this codec knows how to restore faithfully.
 */
final class GroupStateCodec {

  private static final Field EXTERNAL_PSKS = BcInternals.field(Group.class, "externalPSKs");
  private static final Field RESUMPTION_PSKS = BcInternals.field(Group.class, "resumptionPSKs");
  private static final Field EPOCH = BcInternals.field(Group.class, "epoch");
  private static final Field GROUP_ID = BcInternals.field(Group.class, "groupID");
  private static final Field TRANSCRIPT = BcInternals.field(Group.class, "transcriptHash");
  private static final Field EXTENSIONS = BcInternals.field(Group.class, "extensions");
  private static final Field KEY_SCHEDULE = BcInternals.field(Group.class, "keySchedule");
  private static final Field TREE = BcInternals.field(Group.class, "tree");
  private static final Field TREE_PRIV = BcInternals.field(Group.class, "treePriv");
  private static final Field KEYS = BcInternals.field(Group.class, "keys");
  private static final Field SUITE = BcInternals.field(Group.class, "suite");
  private static final Field INDEX = BcInternals.field(Group.class, "index");
  private static final Field IDENTITY_SK = BcInternals.field(Group.class, "identitySk");
  private static final Field PENDING_PROPOSALS = BcInternals.field(Group.class, "pendingProposals");
  private static final Field CACHED_UPDATE = BcInternals.field(Group.class, "cachedUpdate");

  private GroupStateCodec() {
  }

  static void write(Group group, SnapshotOut out) {
    if (!((Collection<?>) BcInternals.get(PENDING_PROPOSALS, group)).isEmpty()
        || BcInternals.get(CACHED_UPDATE, group) != null
        || !((Map<?, ?>) BcInternals.get(EXTERNAL_PSKS, group)).isEmpty()) {
      throw new IllegalStateException("group holds proposals or PSKs Parley's layer never creates");
    }
    TranscriptHash transcript = (TranscriptHash) BcInternals.get(TRANSCRIPT, group);
    out.int32(group.getSuite().getSuiteID()).bytes(group.getGroupID()).int64(group.getEpoch())
        .int32(group.getIndex().value());
    out.int32(group.getExtensions().size());
    group.getExtensions().forEach(extension -> out.bytes(MlsWire.encode(extension)));
    out.bytes(transcript.getConfirmed()).bytes(transcript.getInterim());
    out.bytes(MlsWire.encode(group.getTree()));
    KeyStateCodec.writeTreePrivate((TreeKEMPrivateKey) BcInternals.get(TREE_PRIV, group), out);
    KeyStateCodec.writeKeySchedule(group.getKeySchedule(), out);
    KeyStateCodec.writeKeySet((GroupKeySet) BcInternals.get(KEYS, group), out);
  }

  /** The group {@link #write} described, signing with {@code identity}'s key. */
  static Group read(SnapshotIn in, DeviceIdentity identity) {
    short suiteId = (short) in.int32();
    if (suiteId != MlsSuite.ID) {
      throw SnapshotIn.bad("cipher suite " + suiteId);
    }
    MlsCipherSuite suite = MlsSuite.get();
    byte[] groupId = in.requiredBytes();
    long epoch = in.int64();
    LeafIndex index = new LeafIndex(in.int32());
    int extensionCount = in.count();
    ArrayList<Extension> extensions = new ArrayList<>();
    for (int i = 0; i < extensionCount; i++) {
      extensions.add((Extension) decode(in.requiredBytes(), Extension.class));
    }
    TranscriptHash transcript = new TranscriptHash(suite, in.requiredBytes(), in.bytes());
    TreeKEMPublicKey tree = (TreeKEMPublicKey) decode(in.requiredBytes(), TreeKEMPublicKey.class);
    tree.setSuite(suite);
    try {
      tree.setHashAll();
    } catch (Exception e) {
      throw SnapshotIn.bad("ratchet tree does not hash");
    }
    TreeKEMPrivateKey treePrivate = KeyStateCodec.readTreePrivate(in, suite, index);
    KeyScheduleEpoch keySchedule = KeyStateCodec.readKeySchedule(in, suite);
    GroupKeySet keys = KeyStateCodec.readKeySet(in, suite);

    Group group = new Group();
    set(group, EXTERNAL_PSKS, new HashMap<>());
    set(group, RESUMPTION_PSKS, new HashMap<>());
    set(group, EPOCH, epoch);
    set(group, GROUP_ID, groupId);
    set(group, TRANSCRIPT, transcript);
    set(group, EXTENSIONS, extensions);
    set(group, KEY_SCHEDULE, keySchedule);
    set(group, TREE, tree);
    set(group, TREE_PRIV, treePrivate);
    set(group, KEYS, keys);
    set(group, SUITE, suite);
    set(group, INDEX, index);
    set(group, IDENTITY_SK, identity.privateKey());
    set(group, PENDING_PROPOSALS, new ArrayList<>());
    set(group, CACHED_UPDATE, null);
    return group;
  }

  static Object decode(byte[] bytes, Class<?> type) {
    try {
      return MLSInputStream.decode(bytes, type);
    } catch (Exception | AssertionError e) {
      throw SnapshotIn.bad("cannot decode " + type.getSimpleName());
    }
  }

  static void set(Object target, Field field, Object value) {
    try {
      field.set(target, value);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  static <T> List<T> sorted(Collection<T> values, java.util.Comparator<T> order) {
    List<T> list = new ArrayList<>(values);
    list.sort(order);
    return list;
  }
}
