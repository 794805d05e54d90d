package dev.parley.mls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("PublicEpoch and CommitAuth: what the Delivery Service reads and verifies without group secrets")
class PublicEpochTest {

  private final Fleet fleet = new Fleet();
  private final MlsDevice alice = fleet.device();
  private final MlsDevice bob = fleet.device();

  @Test
  @DisplayName("a commit's GroupInfo + tree: epoch, leaves, signer; the commit verifies with the committer's key only")
  void readsAndVerifies() {
    ChannelSession created = fleet.create(alice);
    PublicEpoch zero = PublicEpoch.read(created.groupInfo(), created.ratchetTree());
    assertThat(zero.epoch()).isZero();
    PendingCommit add = created.add(List.of(bob.newOneTimeKeyPackages(1).get(0).message()));
    PublicEpoch one = PublicEpoch.read(add.groupInfo(), add.ratchetTree());
    assertThat(one.epoch()).isEqualTo(1);
    assertThat(one.groupId()).isEqualTo(MlsGroupIds.forChannel(fleet.channel));
    assertThat(one.signerLeaf()).isZero();
    assertThat(one.leaves()).hasSize(2);
    assertThat(one.leaves().get(0).device()).isEqualTo(fleet.id(alice));
    assertThat(one.leafOf(fleet.id(bob))).isEqualTo(1);
    assertThat(one.leaves().get(1).signatureKey()).isEqualTo(bob.identity().signaturePublicKey());
    assertThat(CommitAuth.signedBy(add.commit(), zero.groupContext(), alice.identity().signaturePublicKey())).isTrue();
    assertThat(CommitAuth.signedBy(add.commit(), zero.groupContext(), bob.identity().signaturePublicKey())).isFalse();
    assertThat(CommitAuth.signedBy(add.commit(), one.groupContext(), alice.identity().signaturePublicKey())).isFalse();
  }

  @Test
  @DisplayName("an external commit names the joiner's key and verifies over the current epoch's context")
  void externalJoin() {
    fleet.create(alice);
    fleet.add(alice, List.of(bob));
    ChannelSession source = fleet.session(alice);
    PublicEpoch current = PublicEpoch.read(source.groupInfo(), source.ratchetTree());
    MlsDevice dave = fleet.device();
    ExternalJoin join = dave.joinExternally(fleet.channel, source.groupInfo(), source.ratchetTree());
    assertThat(CommitAuth.joinerKey(join.commit())).isEqualTo(dave.identity().signaturePublicKey());
    assertThat(CommitAuth.signedBy(join.commit(), current.groupContext(), dave.identity().signaturePublicKey())).isTrue();
    PublicEpoch next = PublicEpoch.read(join.session().groupInfo(), join.session().ratchetTree());
    assertThat(next.leaves().get(next.signerLeaf()).device()).isEqualTo(fleet.id(dave));
  }

  @Test
  @DisplayName("a tree of another epoch, trailing bytes, a GroupInfo that is not one: refused naming the field")
  void refusals() {
    ChannelSession created = fleet.create(alice);
    PendingCommit add = created.add(List.of(bob.newOneTimeKeyPackages(1).get(0).message()));
    assertThatThrownBy(() -> PublicEpoch.read(add.groupInfo(), created.ratchetTree()))
        .isInstanceOfSatisfying(MlsFieldException.class, e -> {
          assertThat(e.field()).isEqualTo("ratchetTree");
          assertThat(e.reason()).isEqualTo(MlsException.Reason.MALFORMED);
        });
    byte[] longer = java.util.Arrays.copyOf(add.ratchetTree(), add.ratchetTree().length + 1);
    assertThatThrownBy(() -> PublicEpoch.read(add.groupInfo(), longer))
        .isInstanceOfSatisfying(MlsFieldException.class, e -> assertThat(e.field()).isEqualTo("ratchetTree"));
    assertThatThrownBy(() -> PublicEpoch.read(add.commit(), add.ratchetTree()))
        .isInstanceOfSatisfying(MlsFieldException.class, e -> assertThat(e.field()).isEqualTo("groupInfo"));
  }
}
