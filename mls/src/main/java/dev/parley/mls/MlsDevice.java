package dev.parley.mls;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import org.bouncycastle.mls.TreeKEM.LeafNode;
import org.bouncycastle.mls.TreeKEM.TreeKEMPublicKey;
import org.bouncycastle.mls.codec.MLSInputStream;
import org.bouncycastle.mls.codec.MLSMessage;
import org.bouncycastle.mls.codec.WireFormat;
import org.bouncycastle.mls.crypto.MlsCipherSuite;
import org.bouncycastle.mls.crypto.Secret;
import org.bouncycastle.mls.protocol.Group;

/**
 * One device's MLS layer: its identity, the private halves of its KeyPackages, and the factory of its per-channel
 * {@link ChannelSession}s (create, join from a Welcome, join externally, restore from a snapshot). Every state it
 * enters is checked leaf by leaf against the {@link KeyDirectory}.
 */
public final class MlsDevice {

  private final DeviceIdentity identity;
  private final KeyDirectory directory;
  private final SecureRandom random;
  private final KeyPackages keyPackages;
  private final KeyPackageCheck keyPackageCheck;
  private final LeafChecker leaves;
  private final KeyPackageStore store;

  public MlsDevice(DeviceIdentity identity, KeyDirectory directory, Clock clock, SecureRandom random,
                   Duration keyPackageLifetime) {
    this(identity, directory, clock, random, keyPackageLifetime, new KeyPackageStore());
  }

  MlsDevice(DeviceIdentity identity, KeyDirectory directory, Clock clock, SecureRandom random,
            Duration keyPackageLifetime, KeyPackageStore store) {
    this.identity = identity;
    this.directory = directory;
    this.random = random;
    this.keyPackages = new KeyPackages(clock, keyPackageLifetime);
    this.keyPackageCheck = new KeyPackageCheck(clock);
    this.leaves = new LeafChecker(directory);
    this.store = store;
  }

  public DeviceIdentity identity() {
    return identity;
  }

  /** {@code count} fresh one-time KeyPackages to upload; their private halves are kept. */
  public List<KeyPackageBundle> newOneTimeKeyPackages(int count) {
    List<KeyPackageBundle> batch = keyPackages.oneTime(identity, count);
    batch.forEach(store::put);
    return batch;
  }

  /** A fresh last-resort KeyPackage, replacing the previous one. */
  public KeyPackageBundle newLastResortKeyPackage() {
    KeyPackageBundle bundle = keyPackages.lastResort(identity);
    store.put(bundle);
    return bundle;
  }

  /** One-time packages whose private halves are still held (not yet consumed by a Welcome). */
  public int oneTimeKeyPackagesHeld() {
    return store.oneTimeCount();
  }

  /** A new group for {@code channelId} with this device as its only leaf (epoch 0). */
  public ChannelSession createGroup(UUID channelId) {
    KeyPackageBundle own = keyPackages.create(identity, false);
    LeafNode leaf = own.keyPackage().getLeafNode();
    try {
      Group group = new Group(MlsGroupIds.forChannel(channelId), suite(), own.leafKeys(), identity.privateKey(),
          leaf.copy(leaf.getEncryptionKey()), new ArrayList<>());
      return new BcChannelSession(channelId, this, group, null, true);
    } catch (MlsException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("could not create a group", e);
    }
  }

  /** Joins {@code channelId}'s group from a Welcome to one of this device's KeyPackages. */
  public ChannelSession joinFromWelcome(UUID channelId, byte[] welcome, byte[] ratchetTree) {
    MLSMessage message = MlsWire.decode(welcome, WireFormat.mls_welcome);
    if (message.welcome.getSuite().getSuiteID() != MlsSuite.ID) {
      throw new MlsException(MlsException.Reason.WRONG_SUITE, "Welcome of another cipher suite");
    }
    KeyPackageBundle bundle = store.find(message.welcome);
    Group group;
    try {
      group = new Group(suite().getHPKE().serializePrivateKey(bundle.initKeys().getPrivate()), bundle.leafKeys(),
          identity.privateKey(), bundle.keyPackage(), message.welcome, tree(ratchetTree), new HashMap<>(),
          new HashMap<>());
    } catch (MlsException e) {
      throw e;
    } catch (Exception e) {
      throw new MlsException(MlsException.Reason.REJECTED, "Welcome refused: " + e.getMessage(), e);
    }
    requireGroup(group.getGroupID(), channelId);
    BcChannelSession session = new BcChannelSession(channelId, this, group, null, true);
    // Only now: a Welcome refused above (wrong group, unknown leaf) must not burn the package.
    store.consume(bundle);
    return session;
  }

  /** Builds an external commit joining {@code channelId}'s group from its GroupInfo and ratchet tree. */
  public ExternalJoin joinExternally(UUID channelId, byte[] groupInfo, byte[] ratchetTree) {
    MLSMessage message = MlsWire.decode(groupInfo, WireFormat.mls_group_info);
    if (message.groupInfo.getSuite().getSuiteID() != MlsSuite.ID) {
      throw new MlsException(MlsException.Reason.WRONG_SUITE, "GroupInfo of another cipher suite");
    }
    requireGroup(message.groupInfo.getGroupID(), channelId);
    TreeKEMPublicKey tree = tree(ratchetTree);
    leaves.check(tree);
    try {
      tree.setSuite(suite());
      tree.setHashAll();
      if (!message.groupInfo.verify(suite(), tree)) {
        throw new MlsException(MlsException.Reason.REJECTED, "GroupInfo signature does not verify");
      }
      KeyPackageBundle own = keyPackages.create(identity, false);
      Group.GroupWithMessage joined = Group.externalJoin(new Secret(randomBytes(32)), identity.signatureKeys(),
          own.keyPackage(), message.groupInfo, tree, new Group.MessageOptions(), null, new HashMap<>());
      return new ExternalJoin(new BcChannelSession(channelId, this, joined.group, null, true),
          MlsWire.encode(joined.message));
    } catch (MlsException e) {
      throw e;
    } catch (Exception e) {
      throw new MlsException(MlsException.Reason.REJECTED, "external join refused: " + e.getMessage(), e);
    }
  }

  /** A session as {@link ChannelSession#snapshot()} wrote it. */
  public ChannelSession restoreSession(byte[] snapshot) {
    return SessionSnapshots.read(snapshot, this);
  }

  /** This device's identity and held KeyPackages, in the versioned format of {@link DeviceSnapshots}. */
  public byte[] snapshot() {
    return DeviceSnapshots.write(identity, store.all());
  }

  /** The device a {@link #snapshot()} describes. */
  public static MlsDevice restore(byte[] snapshot, KeyDirectory directory, Clock clock, SecureRandom random,
                                  Duration keyPackageLifetime) {
    DeviceSnapshots.Restored restored = DeviceSnapshots.read(snapshot);
    KeyPackageStore store = new KeyPackageStore();
    restored.keyPackages().forEach(store::put);
    return new MlsDevice(restored.identity(), directory, clock, random, keyPackageLifetime, store);
  }

  KeyPackageCheck.Checked checkPeerKeyPackage(byte[] keyPackage) {
    UUID owner = DeviceCredentials.deviceOf(MlsWire.decode(keyPackage, WireFormat.mls_key_package).keyPackage
        .getLeafNode());
    byte[] key = directory.signatureKey(owner)
        .orElseThrow(() -> new MlsException(MlsException.Reason.UNKNOWN_DEVICE, "device " + owner + " is unknown"));
    return keyPackageCheck.check(keyPackage, owner, key);
  }

  LeafChecker leaves() {
    return leaves;
  }

  byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private static TreeKEMPublicKey tree(byte[] ratchetTree) {
    if (ratchetTree == null) {
      return null;
    }
    try {
      TreeKEMPublicKey tree = (TreeKEMPublicKey) MLSInputStream.decode(ratchetTree, TreeKEMPublicKey.class);
      if (!Arrays.equals(MlsWire.encode(tree), ratchetTree)) {
        throw new MlsException(MlsException.Reason.MALFORMED, "ratchet tree is not canonically encoded");
      }
      return tree;
    } catch (MlsException e) {
      throw e;
    } catch (Exception | AssertionError e) {
      throw new MlsException(MlsException.Reason.MALFORMED, "not a ratchet tree: " + e.getMessage(), e);
    }
  }

  private static void requireGroup(byte[] groupId, UUID channelId) {
    if (!Arrays.equals(groupId, MlsGroupIds.forChannel(channelId))) {
      throw new MlsException(MlsException.Reason.WRONG_GROUP, "not the group of channel " + channelId);
    }
  }

  private static MlsCipherSuite suite() {
    return MlsSuite.get();
  }
}
