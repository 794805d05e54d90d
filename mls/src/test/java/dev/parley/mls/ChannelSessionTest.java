package dev.parley.mls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ChannelSession: one MLS group per channel, one leaf per device")
class ChannelSessionTest {

  private Fleet fleet;
  private final List<MlsDevice> all = new ArrayList<>();

  /** 3 users x 2 devices in one group: device 0 creates it and adds the other five in one commit. */
  @BeforeEach
  void threeUsersTwoDevicesEach() {
    fleet = new Fleet();
    for (int i = 0; i < 6; i++) {
      all.add(fleet.device());
    }
    fleet.create(all.get(0));
    fleet.add(all.get(0), all.subList(1, 6));
  }

  @Test
  @DisplayName("every device decrypts every other device's message, and all share the epoch authenticator")
  void everyDeviceDecryptsEveryMessage() {
    for (MlsDevice sender : all) {
      String text = "hello from " + fleet.id(sender);
      byte[] ciphertext = fleet.session(sender).encrypt(utf8(text));
      assertThat(new String(ciphertext, StandardCharsets.ISO_8859_1)).doesNotContain(text);
      for (MlsDevice reader : all) {
        if (reader != sender) {
          Decrypted decrypted = fleet.session(reader).decrypt(ciphertext);
          assertThat(new String(decrypted.plaintext(), StandardCharsets.UTF_8)).isEqualTo(text);
          assertThat(decrypted.senderDevice()).isEqualTo(fleet.id(sender));
        }
      }
    }
    assertSameEpoch(all, 1);
    assertThat(fleet.session(all.get(3)).members()).containsExactlyElementsOf(all.stream().map(fleet::id).toList());
  }

  @Test
  @DisplayName("a device added later reads messages of its epoch, and every member moves with it")
  void addADevice() {
    MlsDevice newcomer = fleet.device();
    fleet.add(all.get(2), List.of(newcomer));
    all.add(newcomer);
    byte[] ciphertext = fleet.session(all.get(5)).encrypt(utf8("welcome"));
    assertThat(fleet.session(newcomer).decrypt(ciphertext).plaintext()).isEqualTo(utf8("welcome"));
    assertThat(fleet.session(all.get(0)).decrypt(fleet.session(newcomer).encrypt(utf8("hi"))).plaintext())
        .isEqualTo(utf8("hi"));
    assertSameEpoch(all, 2);
  }

  @Test
  @DisplayName("a removed device cannot decrypt what is protected after the removal commit")
  void removedDeviceCannotDecrypt() {
    MlsDevice removed = all.get(4);
    ChannelSession removedSession = fleet.session(removed);
    byte[] removedStateBefore = removedSession.snapshot();
    PendingCommit removal = fleet.session(all.get(1)).remove(Set.of(fleet.id(removed)));
    List<HandledCommit> outcomes = fleet.deliver(removal.commit());
    assertThat(outcomes).filteredOn(HandledCommit::removed).hasSize(1);
    assertThat(removedSession.active()).isFalse();

    byte[] afterRemoval = fleet.session(all.get(0)).encrypt(utf8("not for the removed device"));
    all.stream().filter(d -> d != removed && d != all.get(0))
        .forEach(d -> assertThat(fleet.session(d).decrypt(afterRemoval).plaintext()).isNotEmpty());
    assertThatThrownBy(() -> removedSession.decrypt(afterRemoval))
        .isInstanceOfSatisfying(MlsException.class, e -> assertThat(e.reason()).isEqualTo(MlsException.Reason.NOT_A_MEMBER));
    // Even with its state from before the commit (a device that ignores the removal), the new epoch is out of reach.
    ChannelSession stale = removed.restoreSession(removedStateBefore);
    assertThatThrownBy(() -> stale.decrypt(afterRemoval))
        .isInstanceOfSatisfying(MlsException.class, e -> assertThat(e.reason()).isEqualTo(MlsException.Reason.FUTURE_EPOCH));
    // Not only Parley's epoch check: BC itself, handed the ciphertext directly, has no key for it.
    assertThatThrownBy(() -> ((BcChannelSession) stale).group()
        .unprotect(MlsWire.decode(afterRemoval, org.bouncycastle.mls.codec.WireFormat.mls_private_message)))
        .isInstanceOf(Exception.class);
    assertThat(stale.handle(removal.commit()).removed()).isTrue();
    assertThat(stale.active()).isFalse();
    assertThat(fleet.session(all.get(0)).members()).doesNotContain(fleet.id(removed)).hasSize(5);
  }

  @Test
  @DisplayName("two commits on the same epoch: the first sequenced wins, the other committer rebuilds and retries")
  void twoCommitsOnOneEpoch() {
    MlsDevice newcomer = fleet.device();
    PendingCommit first = fleet.session(all.get(0)).remove(Set.of(fleet.id(all.get(5))));
    PendingCommit second = fleet.session(all.get(3))
        .add(List.of(newcomer.newOneTimeKeyPackages(1).get(0).message()));
    assertThat(first.epoch()).isEqualTo(second.epoch()).isEqualTo(2);

    List<HandledCommit> outcomes = fleet.deliver(first.commit());
    assertThat(outcomes.get(0).own()).isTrue();
    assertThat(outcomes.get(3).pendingDiscarded()).isTrue();
    for (MlsDevice device : all.subList(0, 5)) {
      assertThatThrownBy(() -> fleet.session(device).handle(second.commit()))
          .isInstanceOfSatisfying(MlsException.class, e -> assertThat(e.reason()).isEqualTo(MlsException.Reason.STALE_EPOCH));
    }
    fleet.add(all.get(3), List.of(newcomer));
    List<MlsDevice> members = new ArrayList<>(all.subList(0, 5));
    members.add(newcomer);
    assertSameEpoch(members, 3);
  }

  @Test
  @DisplayName("a new device joins by itself with an external commit from the stored GroupInfo")
  void externalJoin() {
    MlsDevice newcomer = fleet.device();
    ChannelSession source = fleet.session(all.get(2));
    byte[] before = source.encrypt(utf8("before the join"));
    ExternalJoin join = newcomer.joinExternally(fleet.channel, source.groupInfo(), source.ratchetTree());
    fleet.deliver(join.commit());
    fleet.sessions.put(fleet.id(newcomer), join.session());
    all.add(newcomer);
    assertSameEpoch(all, 2);
    assertThat(fleet.session(all.get(1)).decrypt(join.session().encrypt(utf8("joined"))).plaintext())
        .isEqualTo(utf8("joined"));
    assertThatThrownBy(() -> join.session().decrypt(before)).isInstanceOf(MlsException.class);
  }

  @Test
  @DisplayName("an external commit that also removes a member is refused (BC 1.84 does not check it)")
  void externalCommitWithRemoveIsRefused() throws Exception {
    MlsDevice intruder = fleet.device();
    ChannelSession source = fleet.session(all.get(0));
    org.bouncycastle.mls.codec.MLSMessage groupInfo =
        MlsWire.decode(source.groupInfo(), org.bouncycastle.mls.codec.WireFormat.mls_group_info);
    org.bouncycastle.mls.TreeKEM.TreeKEMPublicKey tree = ((BcChannelSession) source).group().getTree();
    org.bouncycastle.mls.protocol.Group.GroupWithMessage evicting = org.bouncycastle.mls.protocol.Group.externalJoin(
        new org.bouncycastle.mls.crypto.Secret(new byte[32]), intruder.identity().signatureKeys(),
        intruder.newOneTimeKeyPackages(1).get(0).keyPackage(), groupInfo.groupInfo,
        org.bouncycastle.mls.TreeKEM.TreeKEMPublicKey.clone(tree), new org.bouncycastle.mls.protocol.Group.MessageOptions(),
        new org.bouncycastle.mls.TreeKEM.LeafIndex(3), new java.util.HashMap<>());
    byte[] commit = MlsWire.encode(evicting.message);
    // BC alone accepts it: the outsider evicts leaf 3's device and takes the freed leaf itself.
    assertThat(((BcChannelSession) fleet.session(all.get(1))).group().handle(commit, null).getTree()
        .getLeafNode(new org.bouncycastle.mls.TreeKEM.LeafIndex(3)).getSignatureKey())
        .isEqualTo(intruder.identity().signaturePublicKey());
    for (MlsDevice member : all) {
      assertReason(() -> fleet.session(member).handle(commit), MlsException.Reason.UNSUPPORTED);
      assertThat(fleet.session(member).epoch()).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("a device unknown to the key directory is refused, as a KeyPackage and as a leaf in a commit")
  void unknownDevicesAreRefused() {
    MlsDevice stranger = fleet.device();
    byte[] keyPackage = stranger.newOneTimeKeyPackages(1).get(0).message();
    fleet.directory.remove(fleet.id(stranger));
    assertThatThrownBy(() -> fleet.session(all.get(0)).add(List.of(keyPackage)))
        .isInstanceOfSatisfying(MlsException.class, e -> assertThat(e.reason()).isEqualTo(MlsException.Reason.UNKNOWN_DEVICE));

    // A member whose directory knows the stranger adds it; a member whose directory does not refuses the commit.
    fleet.directory.put(fleet.id(stranger), stranger.identity().signaturePublicKey());
    PendingCommit commit = fleet.session(all.get(0)).add(List.of(keyPackage));
    MlsDevice sceptic = all.get(1);
    ChannelSession scepticSession = new MlsDevice(sceptic.identity(), id -> id.equals(fleet.id(stranger))
        ? java.util.Optional.of(DeviceIdentity.generate(id).signaturePublicKey())
        : fleet.keyDirectory().signatureKey(id), java.time.Clock.systemUTC(), fleet.random, Fleet.LIFETIME)
        .restoreSession(fleet.session(sceptic).snapshot());
    assertThatThrownBy(() -> scepticSession.handle(commit.commit()))
        .isInstanceOfSatisfying(MlsException.class, e -> assertThat(e.reason()).isEqualTo(MlsException.Reason.KEY_MISMATCH));
    assertThat(scepticSession.epoch()).isEqualTo(1);
  }

  @Test
  @DisplayName("replayed, truncated, foreign-group and handshake-as-application inputs are refused")
  void badInputIsRefused() {
    ChannelSession reader = fleet.session(all.get(1));
    byte[] ciphertext = fleet.session(all.get(0)).encrypt(utf8("once"));
    reader.decrypt(ciphertext);
    assertReason(() -> reader.decrypt(ciphertext), MlsException.Reason.REJECTED);
    byte[] longer = java.util.Arrays.copyOf(ciphertext, ciphertext.length + 1);
    assertReason(() -> reader.decrypt(longer), MlsException.Reason.MALFORMED);
    assertReason(() -> reader.decrypt(new byte[] {0, 1, 0, 2}), MlsException.Reason.MALFORMED);
    assertReason(() -> reader.handle(ciphertext), MlsException.Reason.MALFORMED);

    Fleet other = new Fleet();
    MlsDevice outsider = other.device();
    byte[] foreign = other.create(outsider).encrypt(utf8("elsewhere"));
    assertReason(() -> reader.decrypt(foreign), MlsException.Reason.WRONG_GROUP);
  }

  private static void assertReason(Runnable action, MlsException.Reason reason) {
    assertThatThrownBy(action::run)
        .isInstanceOfSatisfying(MlsException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  private void assertSameEpoch(List<MlsDevice> devices, long epoch) {
    byte[] expected = fleet.session(devices.get(0)).epochAuthenticator();
    for (MlsDevice device : devices) {
      assertThat(fleet.session(device).epoch()).isEqualTo(epoch);
      assertThat(fleet.session(device).epochAuthenticator()).isEqualTo(expected);
    }
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

}
