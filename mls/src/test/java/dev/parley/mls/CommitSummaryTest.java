package dev.parley.mls;

import static dev.parley.mls.ChannelSessionTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("CommitSummary: what a commit changes, readable without group secrets (for the Delivery Service)")
class CommitSummaryTest {

  private final Fleet fleet = new Fleet();
  private final MlsDevice alice = fleet.device();
  private final MlsDevice bob = fleet.device();
  private final MlsDevice carol = fleet.device();

  @Test
  @DisplayName("adds, removes, committer, group and epoch; an external join names the joining device")
  void summaries() {
    fleet.create(alice);
    PendingCommit add = fleet.session(alice).add(List.of(bob.newOneTimeKeyPackages(1).get(0).message(),
        carol.newOneTimeKeyPackages(1).get(0).message()));
    CommitSummary added = CommitSummary.of(add.commit());
    assertThat(added.groupId()).isEqualTo(MlsGroupIds.forChannel(fleet.channel));
    assertThat(added.epoch()).isZero();
    assertThat(added.committerLeaf()).isZero();
    assertThat(added.addedDevices()).containsExactly(fleet.id(bob), fleet.id(carol));
    assertThat(added.removedLeaves()).isEmpty();
    assertThat(added.joiningDevice()).isNull();
    fleet.deliver(add.commit());
    fleet.sessions.put(fleet.id(bob), bob.joinFromWelcome(fleet.channel, add.welcome(), add.ratchetTree()));

    CommitSummary removed = CommitSummary.of(fleet.session(bob).remove(Set.of(fleet.id(carol))).commit());
    assertThat(removed.committerLeaf()).isEqualTo(1);
    assertThat(removed.removedLeaves()).containsExactly(2);
    assertThat(removed.epoch()).isEqualTo(1);

    MlsDevice dave = fleet.device();
    ChannelSession source = fleet.session(alice);
    CommitSummary external = CommitSummary.of(
        dave.joinExternally(fleet.channel, source.groupInfo(), source.ratchetTree()).commit());
    assertThat(external.joiningDevice()).isEqualTo(fleet.id(dave));
    assertThat(external.committerLeaf()).isEqualTo(-1);
    assertThat(external.addedDevices()).isEmpty();
  }

  @Test
  @DisplayName("an application message or garbage is not a commit")
  void notCommits() {
    ChannelSession session = fleet.create(alice);
    assertThatThrownBy(() -> CommitSummary.of(session.encrypt(utf8("hi"))))
        .isInstanceOfSatisfying(MlsException.class, e -> assertThat(e.reason()).isEqualTo(MlsException.Reason.MALFORMED));
    assertThatThrownBy(() -> CommitSummary.of(new byte[] {0, 1, 0, 1, 7}))
        .isInstanceOfSatisfying(MlsException.class, e -> assertThat(e.reason()).isEqualTo(MlsException.Reason.MALFORMED));
  }
}
