package dev.parley.mls;

import static dev.parley.mls.ChannelSessionTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Snapshots: a device's MLS state survives a restart")
class SessionSnapshotsTest {

  private Fleet fleet;
  private MlsDevice alice;
  private MlsDevice bob;
  private MlsDevice carol;

  @BeforeEach
  void group() {
    fleet = new Fleet();
    alice = fleet.device();
    bob = fleet.device();
    carol = fleet.device();
    fleet.create(alice);
    fleet.add(alice, List.of(bob, carol));
  }

  @Test
  @DisplayName("a restored session writes the same snapshot again, reads new messages and still refuses replays")
  void roundTrip() {
    byte[] first = fleet.session(alice).encrypt(utf8("one"));
    fleet.session(bob).decrypt(first);
    byte[] snapshot = fleet.session(bob).snapshot();
    ChannelSession restored = bob.restoreSession(snapshot);

    assertThat(restored.snapshot()).isEqualTo(snapshot);
    assertThat(restored.epoch()).isEqualTo(1);
    assertThat(restored.epochAuthenticator()).isEqualTo(fleet.session(alice).epochAuthenticator());
    assertThat(restored.members()).isEqualTo(fleet.session(bob).members());
    assertThat(restored.decrypt(fleet.session(alice).encrypt(utf8("two"))).plaintext()).isEqualTo(utf8("two"));
    assertThatThrownBy(() -> restored.decrypt(first)).isInstanceOf(MlsException.class);
  }

  @Test
  @DisplayName("a restored sender continues its ratchet: no message key is used twice")
  void senderRatchetContinues() {
    ChannelSession carolReader = fleet.session(carol);
    assertThat(carolReader.decrypt(fleet.session(bob).encrypt(utf8("before"))).plaintext()).isEqualTo(utf8("before"));
    ChannelSession restoredBob = bob.restoreSession(fleet.session(bob).snapshot());
    // Had the restored sender started again at generation 0, Carol (who consumed it) could not decrypt this.
    assertThat(carolReader.decrypt(restoredBob.encrypt(utf8("after"))).plaintext()).isEqualTo(utf8("after"));
  }

  @Test
  @DisplayName("a commit built before the restart is recognised and applied when the log delivers it")
  void pendingCommitSurvives() {
    MlsDevice dave = fleet.device();
    PendingCommit commit = fleet.session(alice).add(List.of(dave.newOneTimeKeyPackages(1).get(0).message()));
    ChannelSession restoredAlice = alice.restoreSession(fleet.session(alice).snapshot());
    assertThat(restoredAlice.pending().commit()).isEqualTo(commit.commit());
    HandledCommit outcome = restoredAlice.handle(commit.commit());
    assertThat(outcome.own()).isTrue();
    fleet.session(bob).handle(commit.commit());
    assertThat(restoredAlice.epochAuthenticator()).isEqualTo(fleet.session(bob).epochAuthenticator());
  }

  @Test
  @DisplayName("a restored device opens a Welcome to a KeyPackage it published before the restart")
  void deviceSnapshot() {
    MlsDevice dave = fleet.device();
    byte[] keyPackage = dave.newOneTimeKeyPackages(3).get(1).message();
    dave.newLastResortKeyPackage();
    MlsDevice restoredDave = MlsDevice.restore(dave.snapshot(), fleet.keyDirectory(), Clock.systemUTC(), fleet.random,
        Fleet.LIFETIME);
    assertThat(restoredDave.snapshot()).isEqualTo(dave.snapshot());
    assertThat(restoredDave.oneTimeKeyPackagesHeld()).isEqualTo(3);
    PendingCommit commit = fleet.session(alice).add(List.of(keyPackage));
    fleet.deliver(commit.commit());
    // A Welcome refused (here: named for another channel) leaves the package usable.
    assertThatThrownBy(() -> restoredDave.joinFromWelcome(java.util.UUID.randomUUID(), commit.welcome(),
        commit.ratchetTree())).isInstanceOfSatisfying(MlsException.class,
            e -> assertThat(e.reason()).isEqualTo(MlsException.Reason.WRONG_GROUP));
    assertThat(restoredDave.oneTimeKeyPackagesHeld()).isEqualTo(3);
    ChannelSession joined = restoredDave.joinFromWelcome(fleet.channel, commit.welcome(), commit.ratchetTree());
    assertThat(joined.epochAuthenticator()).isEqualTo(fleet.session(alice).epochAuthenticator());
    assertThat(restoredDave.oneTimeKeyPackagesHeld()).isEqualTo(2);
    assertThatThrownBy(() -> restoredDave.joinFromWelcome(fleet.channel, commit.welcome(), commit.ratchetTree()))
        .isInstanceOfSatisfying(MlsException.class, e -> assertThat(e.reason()).isEqualTo(MlsException.Reason.REJECTED));
  }

  @Test
  @DisplayName("corrupt, truncated, foreign and future-version snapshots are refused")
  void corruptSnapshots() {
    byte[] snapshot = fleet.session(bob).snapshot();
    for (int cut : new int[] {0, 3, 11, 40, snapshot.length / 2, snapshot.length - 1}) {
      assertBad(Arrays.copyOf(snapshot, cut));
    }
    assertBad(Arrays.copyOf(snapshot, snapshot.length + 1));
    byte[] version2 = snapshot.clone();
    ByteBuffer.wrap(version2).putInt(8, 2);
    assertBad(version2);
    byte[] otherMagic = snapshot.clone();
    otherMagic[0] = 'X';
    assertBad(otherMagic);
    assertBad(bob.snapshot());
    assertThatThrownBy(() -> MlsDevice.restore(snapshot, fleet.keyDirectory(), Clock.systemUTC(), fleet.random,
        Fleet.LIFETIME)).isInstanceOfSatisfying(MlsException.class,
            e -> assertThat(e.reason()).isEqualTo(MlsException.Reason.BAD_SNAPSHOT));
  }

  private void assertBad(byte[] snapshot) {
    assertThatThrownBy(() -> bob.restoreSession(snapshot))
        .isInstanceOfSatisfying(MlsException.class, e -> assertThat(e.reason()).isEqualTo(MlsException.Reason.BAD_SNAPSHOT));
  }
}
