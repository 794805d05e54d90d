package dev.parley.mls;

import static dev.parley.mls.ChannelSessionTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("MessageHeader: kind, group and epoch of a log frame, without keys")
class MessageHeaderTest {

  @Test
  @DisplayName("application messages and commits are told apart and carry their group and epoch")
  void headers() {
    Fleet fleet = new Fleet();
    MlsDevice alice = fleet.device();
    MlsDevice bob = fleet.device();
    ChannelSession session = fleet.create(alice);
    PendingCommit add = session.add(List.of(bob.newOneTimeKeyPackages(1).get(0).message()));
    MessageHeader commit = MessageHeader.of(add.commit());
    assertThat(commit.kind()).isEqualTo(MessageHeader.Kind.COMMIT);
    assertThat(commit.epoch()).isZero();
    fleet.deliver(add.commit());
    MessageHeader application = MessageHeader.of(session.encrypt(utf8("x")));
    assertThat(application.kind()).isEqualTo(MessageHeader.Kind.APPLICATION);
    assertThat(application.epoch()).isEqualTo(1);
    assertThat(application.groupId()).isEqualTo(MlsGroupIds.forChannel(fleet.channel));
    assertThatThrownBy(() -> MessageHeader.of(add.welcome()))
        .isInstanceOfSatisfying(MlsException.class, e -> assertThat(e.reason()).isEqualTo(MlsException.Reason.MALFORMED));
    assertThatThrownBy(() -> MessageHeader.of(new byte[3])).isInstanceOf(MlsException.class);
  }
}
