package dev.parley.message.mls;

import dev.parley.message.SendGate.Decision;
import dev.parley.mls.ChannelSession;
import dev.parley.mls.ExternalJoin;
import dev.parley.mls.MlsDevice;
import dev.parley.mls.PendingCommit;
import dev.parley.mls.PublicEpoch;
import dev.parley.protocol.SendRecord;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static dev.parley.message.mls.MlsFixture.id;
import static dev.parley.message.mls.MlsFixture.keyPackages;
import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("EpochRules: the Delivery Service's per-send decisions on real MLS messages")
class EpochRulesTest {

  private final MlsFixture f = new MlsFixture();
  private MlsDevice alice;
  private MlsDevice bob;
  private MlsDevice carol;
  private ChannelSession aliceSession;
  private ChannelSession bobSession;

  @BeforeEach
  void groupOfAliceAndBob() {
    alice = f.device(true);
    bob = f.device(true);
    carol = f.device(true);
    aliceSession = alice.createGroup(f.channel);
    PendingCommit add = aliceSession.add(keyPackages(bob));
    List<SendRecord> sends = List.of(f.commit(alice, add));
    assertThat(rules(sends, 0, null, false).decide(0, 0)).isEqualTo(Decision.accept(1));
    aliceSession.handle(add.commit());
    bobSession = bob.joinFromWelcome(f.channel, add.welcome(), add.ratchetTree());
  }

  private EpochRules rules(List<SendRecord> sends, long epoch, PublicEpoch state, boolean required) {
    return rules(sends, epoch, state, required, f.members);
  }

  private EpochRules rules(List<SendRecord> sends, long epoch, PublicEpoch state, boolean required,
                           Map<UUID, byte[]> members) {
    List<ParsedSend> parsed = new ArrayList<>();
    sends.forEach(s -> parsed.add(ParsedSend.of(s)));
    return new EpochRules(f.channel, sends, parsed, required, epoch, state, members.keySet(), members);
  }

  private static JsonObject refusal(Decision d) {
    assertThat(d.accepted()).as("refused").isFalse();
    return d.refusal();
  }

  @Test
  @DisplayName("two commits on the same epoch: the first moves the epoch on, the second is refused stale_epoch")
  void oneCommitPerEpoch() {
    PendingCommit byAlice = aliceSession.add(keyPackages(carol));
    PendingCommit byBob = bobSession.add(keyPackages(carol));
    List<SendRecord> sends = List.of(f.commit(alice, byAlice), f.commit(bob, byBob));
    EpochRules rules = rules(sends, 1, MlsFixture.state(aliceSession), false);
    assertThat(rules.decide(0, 1)).isEqualTo(Decision.accept(2));
    JsonObject stale = refusal(rules.decide(1, 2));
    assertThat(stale.getString("code")).isEqualTo("stale_epoch");
    assertThat(stale.getLong("epoch")).isEqualTo(2);
    assertThat(stale.getString("clientMsgId")).isEqualTo(sends.get(1).clientMsgId());
    // Decisions are pure in (send, epoch): re-deciding after a reload gives the same answers.
    assertThat(rules.decide(0, 1)).isEqualTo(Decision.accept(2));
    // The same commit replayed later (another clientMsgId) is stale too.
    List<SendRecord> replay = List.of(f.commit(alice, byAlice));
    assertThat(refusal(rules(replay, 2, MlsFixture.state(aliceSession), false).decide(0, 2)).getString("code"))
        .isEqualTo("stale_epoch");
  }

  @Test
  @DisplayName("application messages: current epoch accepted; older stale, newer future, other group, garbage refused")
  void applicationMessages() {
    byte[] atOne = aliceSession.encrypt(utf8("hello"));
    PublicEpoch one = MlsFixture.state(aliceSession);
    List<SendRecord> sends = List.of(f.application(alice, atOne),
        f.application(alice, new byte[] {1, 2, 3}),
        f.application(alice, other(alice).encrypt(utf8("x"))));
    EpochRules rules = rules(sends, 1, one, false);
    assertThat(rules.decide(0, 1)).isEqualTo(Decision.accept(1));
    assertThat(refusal(rules.decide(0, 2)).getString("code")).isEqualTo("stale_epoch");
    assertThat(refusal(rules(sends, 0, null, true).decide(0, 0)).getString("code")).isEqualTo("mls_future_epoch");
    JsonObject garbage = refusal(rules.decide(1, 1));
    assertThat(garbage.getString("code")).isEqualTo("mls_malformed");
    assertThat(garbage.getString("field")).isEqualTo("payload");
    assertThat(refusal(rules.decide(2, 1)).getString("code")).isEqualTo("mls_wrong_group");
  }

  @Test
  @DisplayName("a channel without a group takes opaque payloads unless mls.required; other kinds only before it")
  void legacyChannels() {
    List<SendRecord> sends = List.of(f.application(alice, utf8("plain")),
        new SendRecord(f.channel, new UUID(0, 1), id(alice), "x-1", "custom", utf8("y"), "gw", 0));
    assertThat(rules(sends, 0, null, false).decide(0, 0)).isEqualTo(Decision.accept(0));
    assertThat(rules(sends, 0, null, false).decide(1, 0)).isEqualTo(Decision.accept(0));
    assertThat(refusal(rules(sends, 0, null, true).decide(0, 0)).getString("code")).isEqualTo("mls_malformed");
    JsonObject kind = refusal(rules(sends, 1, MlsFixture.state(aliceSession), false).decide(1, 1));
    assertThat(kind.getString("code")).isEqualTo("mls_unsupported");
    assertThat(kind.getString("field")).isEqualTo("kind");
  }

  @Test
  @DisplayName("forged sender: a commit sent by another device than its committer, or by a device without a key")
  void forgedSender() {
    PendingCommit byBob = bobSession.add(keyPackages(carol));
    SendRecord asCarol = f.commit(id(carol), byBob.commit(), byBob.welcome(), byBob.groupInfo(), byBob.ratchetTree());
    JsonObject forged = refusal(rules(List.of(asCarol), 1, MlsFixture.state(bobSession), false).decide(0, 1));
    assertThat(forged.getString("code")).isEqualTo("mls_forged_sender");
    assertThat(forged.getString("field")).isEqualTo("payload");
    Map<UUID, byte[]> withoutBobsKey = new java.util.HashMap<>(f.members);
    withoutBobsKey.put(id(bob), null);
    assertThat(refusal(rules(List.of(f.commit(bob, byBob)), 1, MlsFixture.state(bobSession), false, withoutBobsKey)
        .decide(0, 1)).getString("code")).isEqualTo("mls_forged_sender");
  }

  @Test
  @DisplayName("adds must be active devices of members; the welcome must come with adds and only with them")
  void membershipOfAdds() {
    MlsDevice stranger = f.device(false);
    PendingCommit add = aliceSession.add(keyPackages(stranger));
    JsonObject refused = refusal(rules(List.of(f.commit(alice, add)), 1, MlsFixture.state(aliceSession), false)
        .decide(0, 1));
    assertThat(refused.getString("code")).isEqualTo("mls_membership_mismatch");
    assertThat(refused.getString("deviceId")).isEqualTo(id(stranger).toString());
    SendRecord noWelcome = f.commit(id(alice), add.commit(), null, add.groupInfo(), add.ratchetTree());
    JsonObject missing = refusal(rules(List.of(noWelcome), 1, MlsFixture.state(aliceSession), false).decide(0, 1));
    assertThat(missing.getString("code")).isEqualTo("mls_malformed");
    assertThat(missing.getString("field")).isEqualTo("welcome");
  }

  @Test
  @DisplayName("a removed member's leaf: application messages and commits refused until a commit removes it")
  void removalPending() {
    PendingCommit addCarol = aliceSession.add(keyPackages(carol));
    aliceSession.handle(addCarol.commit());
    f.members.remove(id(bob));
    PublicEpoch two = MlsFixture.state(aliceSession);
    byte[] beforeAdd = aliceSession.snapshot();
    MlsDevice dave = f.device(true);
    List<SendRecord> sends = List.of(f.application(alice, aliceSession.encrypt(utf8("still there?"))),
        f.commit(alice, aliceSession.add(keyPackages(dave))));
    EpochRules rules = rules(sends, 2, two, false);
    JsonObject app = refusal(rules.decide(0, 2));
    assertThat(app.getString("code")).isEqualTo("mls_removal_pending");
    assertThat(app.getJsonArray("leaves").getList()).containsExactly(1);
    assertThat(refusal(rules.decide(1, 2)).getString("code")).isEqualTo("mls_removal_pending");

    PendingCommit removal = alice.restoreSession(beforeAdd).remove(Set.of(id(bob)));
    assertThat(rules(List.of(f.commit(alice, removal)), 2, two, false).decide(0, 2)).isEqualTo(Decision.accept(3));
  }

  @Test
  @DisplayName("external join: a member's new device joins; a stranger's device or a device already in is refused")
  void externalJoins() {
    PublicEpoch one = MlsFixture.state(aliceSession);
    ExternalJoin join = carol.joinExternally(f.channel, aliceSession.groupInfo(), aliceSession.ratchetTree());
    SendRecord joined = f.commit(id(carol), join.commit(), null, join.session().groupInfo(),
        join.session().ratchetTree());
    assertThat(rules(List.of(joined), 1, one, false).decide(0, 1)).isEqualTo(Decision.accept(2));

    MlsDevice stranger = f.device(false);
    ExternalJoin outsider = stranger.joinExternally(f.channel, aliceSession.groupInfo(), aliceSession.ratchetTree());
    SendRecord fromOutsider = f.commit(id(stranger), outsider.commit(), null, outsider.session().groupInfo(),
        outsider.session().ratchetTree());
    Map<UUID, byte[]> withStrangerKey = new java.util.HashMap<>(f.members);
    assertThat(refusal(rules(List.of(fromOutsider), 1, one, false, withStrangerKey).decide(0, 1))
        .getString("code")).isEqualTo("mls_forged_sender");
    withStrangerKey.put(id(stranger), stranger.identity().signaturePublicKey());
    f.members.remove(id(stranger));
    // sent by the stranger's device but not a member device: the membership check refuses it
    Map<UUID, byte[]> membersOnly = new java.util.HashMap<>(f.members);
    membersOnly.put(id(stranger), stranger.identity().signaturePublicKey());
    EpochRules asMember = rules(List.of(fromOutsider), 1, one, false, membersOnly);
    assertThat(asMember.decide(0, 1)).isEqualTo(Decision.accept(2));
    assertThat(refusal(rules(List.of(fromOutsider), 1, one, false, f.members).decide(0, 1)).getString("code"))
        .isEqualTo("mls_forged_sender");

    ExternalJoin again = bob.joinExternally(f.channel, aliceSession.groupInfo(), aliceSession.ratchetTree());
    SendRecord rejoin = f.commit(id(bob), again.commit(), null, again.session().groupInfo(),
        again.session().ratchetTree());
    assertThat(refusal(rules(List.of(rejoin), 1, one, false).decide(0, 1)).getString("code"))
        .isEqualTo("mls_membership_mismatch");
  }

  @Test
  @DisplayName("GroupInfo and tree that do not fit the commit: wrong epoch or another tree refused mls_malformed")
  void inconsistentParts() {
    PendingCommit add = aliceSession.add(keyPackages(carol));
    SendRecord oldInfo = f.commit(id(alice), add.commit(), add.welcome(), aliceSession.groupInfo(),
        aliceSession.ratchetTree());
    JsonObject epoch = refusal(rules(List.of(oldInfo), 1, MlsFixture.state(aliceSession), false).decide(0, 1));
    assertThat(epoch.getString("code")).isEqualTo("mls_malformed");
    assertThat(epoch.getString("field")).isEqualTo("groupInfo");
    SendRecord otherTree = f.commit(id(alice), add.commit(), add.welcome(), add.groupInfo(),
        aliceSession.ratchetTree());
    JsonObject tree = refusal(rules(List.of(otherTree), 1, MlsFixture.state(aliceSession), false).decide(0, 1));
    assertThat(tree.getString("code")).isEqualTo("mls_malformed");
    assertThat(tree.getString("field")).isEqualTo("ratchetTree");
  }

  private ChannelSession other(MlsDevice device) {
    return device.createGroup(UUID.randomUUID());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
