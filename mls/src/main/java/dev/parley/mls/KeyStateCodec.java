package dev.parley.mls;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.mls.GroupKeySet;
import org.bouncycastle.mls.KeyGeneration;
import org.bouncycastle.mls.KeyScheduleEpoch;
import org.bouncycastle.mls.TreeKEM.LeafIndex;
import org.bouncycastle.mls.TreeKEM.NodeIndex;
import org.bouncycastle.mls.TreeKEM.TreeKEMPrivateKey;
import org.bouncycastle.mls.TreeSize;
import org.bouncycastle.mls.crypto.MlsCipherSuite;
import org.bouncycastle.mls.crypto.Secret;

/**
 * The secret half of a BC 1.84 group state: the TreeKEM private key (path secrets and node keys), the epoch's key
 * schedule, and the message-key state (secret tree + per-sender hash ratchets with their unused cached keys). The
 * ratchets are stored as they are, not re-derived: BC zeroises the epoch's encryption secret after first use, and
 * keeping only what BC keeps preserves forward secrecy inside an epoch and never re-issues a used key or nonce.
 */
final class KeyStateCodec {

  private static final Field PRIV_UPDATE_SECRET = BcInternals.field(TreeKEMPrivateKey.class, "updateSecret");
  private static final Field PRIV_PATH_SECRETS = BcInternals.field(TreeKEMPrivateKey.class, "pathSecrets");
  private static final Field PRIV_KEY_CACHE = BcInternals.field(TreeKEMPrivateKey.class, "privateKeyCache");
  private static final Field SCHEDULE_EXTERNAL_KEYS = BcInternals.field(KeyScheduleEpoch.class, "externalKeyPair");
  private static final Field SCHEDULE_KEY_SET = BcInternals.field(KeyScheduleEpoch.class, "groupKeySet");
  private static final List<Field> SCHEDULE_SECRETS = Arrays.stream(KeyScheduleEpoch.class.getDeclaredFields())
      .filter(f -> f.getType() == Secret.class && !Modifier.isStatic(f.getModifiers()))
      .sorted(Comparator.comparing(Field::getName))
      .map(f -> BcInternals.field(KeyScheduleEpoch.class, f.getName()))
      .toList();
  private static final Field SET_COMMIT = BcInternals.field(GroupKeySet.class, "encryptionSecretCommit");
  private static final Field SET_HANDSHAKE = BcInternals.field(GroupKeySet.class, "handshakeRatchets");
  private static final Field SET_APPLICATION = BcInternals.field(GroupKeySet.class, "applicationRatchets");
  private static final Class<?> RATCHET = nested("HashRatchet");
  private static final Field TREE_SIZE = BcInternals.field(nested("SecretTree"), "treeSize");
  private static final Field RATCHET_SECRET = BcInternals.field(RATCHET, "nextSecret");
  private static final Field RATCHET_GENERATION = BcInternals.field(RATCHET, "nextGeneration");
  private static final Field RATCHET_CACHE = BcInternals.field(RATCHET, "cache");
  private static final Constructor<?> RATCHET_NEW = ratchetConstructor();

  private KeyStateCodec() {
  }

  @SuppressWarnings("unchecked")
  static void writeTreePrivate(TreeKEMPrivateKey key, SnapshotOut out) {
    out.secret((Secret) BcInternals.get(PRIV_UPDATE_SECRET, key));
    Map<NodeIndex, Secret> paths = (Map<NodeIndex, Secret>) BcInternals.get(PRIV_PATH_SECRETS, key);
    out.int32(paths.size());
    byNode(paths.keySet()).forEach(node -> out.int64(node.value()).secret(paths.get(node)));
    Map<NodeIndex, AsymmetricCipherKeyPair> keys =
        (Map<NodeIndex, AsymmetricCipherKeyPair>) BcInternals.get(PRIV_KEY_CACHE, key);
    out.int32(keys.size());
    byNode(keys.keySet()).forEach(node -> out.int64(node.value()).hpkeKeys(keys.get(node)));
  }

  static TreeKEMPrivateKey readTreePrivate(SnapshotIn in, MlsCipherSuite suite, LeafIndex index) {
    TreeKEMPrivateKey key = new TreeKEMPrivateKey(suite, index);
    GroupStateCodec.set(key, PRIV_UPDATE_SECRET, in.secret());
    int paths = in.count();
    for (int i = 0; i < paths; i++) {
      key.insertPathSecret(new NodeIndex(in.int64()), in.secret());
    }
    int keys = in.count();
    for (int i = 0; i < keys; i++) {
      key.insertPrivateKey(new NodeIndex(in.int64()), in.hpkeKeys());
    }
    return key;
  }

  static void writeKeySchedule(KeyScheduleEpoch schedule, SnapshotOut out) {
    out.int32(SCHEDULE_SECRETS.size());
    SCHEDULE_SECRETS.forEach(field -> out.text(field.getName()).secret((Secret) BcInternals.get(field, schedule)));
    out.hpkeKeys((AsymmetricCipherKeyPair) BcInternals.get(SCHEDULE_EXTERNAL_KEYS, schedule));
  }

  static KeyScheduleEpoch readKeySchedule(SnapshotIn in, MlsCipherSuite suite) {
    KeyScheduleEpoch schedule;
    try {
      schedule = new KeyScheduleEpoch(suite);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    if (in.count() != SCHEDULE_SECRETS.size()) {
      throw SnapshotIn.bad("key schedule of another library layout");
    }
    for (Field field : SCHEDULE_SECRETS) {
      if (!field.getName().equals(in.text())) {
        throw SnapshotIn.bad("key schedule of another library layout");
      }
      GroupStateCodec.set(schedule, field, in.secret());
    }
    GroupStateCodec.set(schedule, SCHEDULE_EXTERNAL_KEYS, in.hpkeKeys());
    // BC builds a second key set here that Group never reads; the group's own one is restored separately.
    GroupStateCodec.set(schedule, SCHEDULE_KEY_SET, null);
    return schedule;
  }

  static void writeKeySet(GroupKeySet keys, SnapshotOut out) {
    out.secret((Secret) BcInternals.get(SET_COMMIT, keys));
    out.int64(((TreeSize) BcInternals.get(TREE_SIZE, keys.secretTree)).leafCount());
    Map<NodeIndex, Secret> secrets = keys.secretTree.secrets;
    out.int32(secrets.size());
    byNode(secrets.keySet()).forEach(node -> out.int64(node.value()).secret(secrets.get(node)));
    writeRatchets(ratchets(SET_HANDSHAKE, keys), out);
    writeRatchets(ratchets(SET_APPLICATION, keys), out);
  }

  static GroupKeySet readKeySet(SnapshotIn in, MlsCipherSuite suite) {
    Secret commitment = in.secret();
    long leaves = in.int64();
    if (leaves < 1 || leaves > Integer.MAX_VALUE) {
      throw SnapshotIn.bad("secret tree of " + leaves + " leaves");
    }
    GroupKeySet keys;
    try {
      keys = new GroupKeySet(suite, TreeSize.forLeaves(leaves), Secret.zero(suite));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    GroupStateCodec.set(keys, SET_COMMIT, commitment);
    keys.secretTree.secrets.clear();
    int secrets = in.count();
    for (int i = 0; i < secrets; i++) {
      keys.secretTree.secrets.put(new NodeIndex(in.int64()), in.secret());
    }
    readRatchets(in, keys, ratchets(SET_HANDSHAKE, keys));
    readRatchets(in, keys, ratchets(SET_APPLICATION, keys));
    return keys;
  }

  @SuppressWarnings("unchecked")
  private static void writeRatchets(Map<LeafIndex, Object> ratchets, SnapshotOut out) {
    out.int32(ratchets.size());
    for (LeafIndex leaf : GroupStateCodec.sorted(ratchets.keySet(), Comparator.comparingInt(LeafIndex::value))) {
      Object ratchet = ratchets.get(leaf);
      Map<Integer, KeyGeneration> cache = (Map<Integer, KeyGeneration>) BcInternals.get(RATCHET_CACHE, ratchet);
      out.int32(leaf.value()).secret((Secret) BcInternals.get(RATCHET_SECRET, ratchet))
          .int32((Integer) BcInternals.get(RATCHET_GENERATION, ratchet)).int32(cache.size());
      GroupStateCodec.sorted(cache.keySet(), Comparator.naturalOrder())
          .forEach(g -> out.int32(g).bytes(cache.get(g).key).bytes(cache.get(g).nonce));
    }
  }

  @SuppressWarnings("unchecked")
  private static void readRatchets(SnapshotIn in, GroupKeySet keys, Map<LeafIndex, Object> ratchets) {
    int count = in.count();
    for (int i = 0; i < count; i++) {
      LeafIndex leaf = new LeafIndex(in.int32());
      Object ratchet;
      try {
        ratchet = RATCHET_NEW.newInstance(keys, in.secret());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
      GroupStateCodec.set(ratchet, RATCHET_GENERATION, in.int32());
      Map<Integer, KeyGeneration> cache = (Map<Integer, KeyGeneration>) BcInternals.get(RATCHET_CACHE, ratchet);
      int cached = in.count();
      for (int j = 0; j < cached; j++) {
        int generation = in.int32();
        cache.put(generation, new KeyGeneration(generation, new Secret(in.requiredBytes()),
            new Secret(in.requiredBytes())));
      }
      ratchets.put(leaf, ratchet);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<LeafIndex, Object> ratchets(Field field, GroupKeySet keys) {
    return (Map<LeafIndex, Object>) BcInternals.get(field, keys);
  }

  private static List<NodeIndex> byNode(java.util.Collection<NodeIndex> nodes) {
    return GroupStateCodec.sorted(nodes, Comparator.comparingLong(NodeIndex::value));
  }

  private static Class<?> nested(String name) {
    try {
      return Class.forName(GroupKeySet.class.getName() + "$" + name);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("Bouncy Castle MLS is not the 1.84 layout Parley expects: " + name, e);
    }
  }

  private static Constructor<?> ratchetConstructor() {
    try {
      Constructor<?> constructor = RATCHET.getDeclaredConstructor(GroupKeySet.class, Secret.class);
      constructor.setAccessible(true);
      return constructor;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Bouncy Castle MLS is not the 1.84 layout Parley expects: HashRatchet()", e);
    }
  }
}
