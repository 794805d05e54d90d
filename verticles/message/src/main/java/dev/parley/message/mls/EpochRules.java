package dev.parley.message.mls;

import dev.parley.message.SendGate.Decider;
import dev.parley.message.SendGate.Decision;
import dev.parley.mls.CommitAuth;
import dev.parley.mls.CommitSummary;
import dev.parley.mls.MlsGroupIds;
import dev.parley.mls.PublicEpoch;
import dev.parley.protocol.SendRecord;
import dev.parley.shared.ErrorCode;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The Delivery Service's decisions for one channel batch (docs/e2ee.md "Delivery Service protocol"), pure and
 * synchronous: given the epoch reached so far, a send is accepted (a commit moves the epoch on by one) or refused
 * with the documented error frame. What it knows of the channel comes in: the public state (GroupInfo + tree) of
 * the head's epoch, the active devices of current members and their registered signature keys (null when they could
 * not be read: sends needing them are refused {@code unavailable}). A commit it accepts provides the state of the
 * next epoch to the sends after it.
 */
final class EpochRules implements Decider {

  private final byte[] groupId;
  private final List<SendRecord> sends;
  private final List<ParsedSend> parsed;
  private final boolean required;
  private final Set<UUID> memberDevices;
  private final Map<UUID, byte[]> memberKeys;
  private final Map<Long, PublicEpoch> states = new HashMap<>();
  /** Commit signatures verified per send and per state it may be built on ({@link #verifySignatures}). */
  private final Map<Integer, Map<PublicEpoch, Boolean>> signatures = new HashMap<>();

  /**
   * @param headState     the public state of {@code headEpoch}, or null (epoch 0, or not readable now)
   * @param memberDevices active devices of current members, or null if unknown
   * @param memberKeys    the registered key of each of those devices (absent: none registered), or null if unknown
   */
  EpochRules(UUID channel, List<SendRecord> sends, List<ParsedSend> parsed, boolean required, long headEpoch,
             PublicEpoch headState, Set<UUID> memberDevices, Map<UUID, byte[]> memberKeys) {
    this.groupId = MlsGroupIds.forChannel(channel);
    this.sends = sends;
    this.parsed = parsed;
    this.required = required;
    this.memberDevices = memberDevices;
    this.memberKeys = memberKeys;
    if (headState != null) {
      states.put(headEpoch, headState);
    }
  }

  @Override
  public Decision decide(int index, long epoch) {
    SendRecord send = sends.get(index);
    boolean commit = ParsedSend.COMMIT.equals(send.kind());
    if (epoch == 0 && !required && !commit) {
      return Decision.accept(epoch); // a channel without a group yet still takes opaque payloads (mls.required false)
    }
    ParsedSend p = parsed.get(index);
    if (p == null) {
      return refuse(MlsRefusals.of(ErrorCode.MLS_UNSUPPORTED, send.clientMsgId(), "kind",
          "an end-to-end encrypted channel takes kinds application and commit only"));
    }
    if (p.refusal() != null) {
      return refuse(p.refusal());
    }
    return commit ? commit(index, send, p, epoch) : application(send, p, epoch);
  }

  /**
   * Verifies every commit signature {@link #decide} may ask for — against the head's state and against the state
   * each other commit of the batch leads to — so that the decisions themselves do no cryptography (BC's suite is
   * not thread-safe: the caller runs this off the event loop under its lock). Anything not verified here is
   * verified on demand.
   */
  EpochRules verifySignatures() {
    List<PublicEpoch> candidates = new ArrayList<>(states.values());
    parsed.forEach(p -> {
      if (p != null && p.next() != null) {
        candidates.add(p.next());
      }
    });
    for (int i = 0; i < sends.size(); i++) {
      ParsedSend p = parsed.get(i);
      if (p == null || p.commit() == null || memberKeys == null) {
        continue;
      }
      for (PublicEpoch state : candidates) {
        if (state.epoch() == p.commit().epoch()) {
          signedBy(i, state);
        }
      }
    }
    return this;
  }

  private boolean signedBy(int index, PublicEpoch state) {
    SendRecord send = sends.get(index);
    byte[] key = memberKeys.get(send.senderDevice());
    return key != null && signatures.computeIfAbsent(index, i -> new java.util.IdentityHashMap<>())
        .computeIfAbsent(state, s -> CommitAuth.signedBy(send.payload(), s.groupContext(), key));
  }

  private Decision application(SendRecord send, ParsedSend p, long epoch) {
    String id = send.clientMsgId();
    if (!Arrays.equals(p.header().groupId(), groupId)) {
      return refuse(MlsRefusals.of(ErrorCode.MLS_WRONG_GROUP, id, "payload", "not this channel's MLS group"));
    }
    JsonObject wrongEpoch = epochCheck(id, p.header().epoch(), epoch);
    if (wrongEpoch != null) {
      return refuse(wrongEpoch);
    }
    if (epoch > 0) {
      PublicEpoch state = states.get(epoch);
      if (state == null || memberDevices == null) {
        return refuse(MlsRefusals.unavailable(id));
      }
      List<Integer> pending = pendingRemovals(state);
      if (!pending.isEmpty()) {
        return refuse(MlsRefusals.removalPending(id, epoch, pending));
      }
    }
    return Decision.accept(epoch);
  }

  private Decision commit(int index, SendRecord send, ParsedSend p, long epoch) {
    String id = send.clientMsgId();
    CommitSummary summary = p.commit();
    PublicEpoch next = p.next();
    if (!Arrays.equals(summary.groupId(), groupId)) {
      return refuse(MlsRefusals.of(ErrorCode.MLS_WRONG_GROUP, id, "payload", "not this channel's MLS group"));
    }
    if (!Arrays.equals(next.groupId(), groupId)) {
      return refuse(MlsRefusals.of(ErrorCode.MLS_WRONG_GROUP, id, "groupInfo", "not this channel's MLS group"));
    }
    JsonObject wrongEpoch = epochCheck(id, summary.epoch(), epoch);
    if (wrongEpoch != null) {
      return refuse(wrongEpoch);
    }
    if (next.epoch() != epoch + 1) {
      return refuse(MlsRefusals.of(ErrorCode.MLS_MALFORMED, id, "groupInfo", "the GroupInfo is for epoch "
          + next.epoch() + ", the commit leads to epoch " + (epoch + 1)));
    }
    PublicEpoch current = states.get(epoch);
    if (memberKeys == null || epoch > 0 && current == null) {
      return refuse(MlsRefusals.unavailable(id));
    }
    byte[] key = memberKeys.get(send.senderDevice());
    if (key == null) {
      return refuse(MlsRefusals.of(ErrorCode.MLS_FORGED_SENDER, id, "payload",
          "the sending device has no registered signature key"));
    }
    JsonObject refusal = summary.committerLeaf() < 0 ? external(index, send, p, current, key)
        : member(index, send, p, current, key);
    if (refusal == null) {
      refusal = TreeRules.check(send.clientMsgId(), p.commit(), current, p.next(), memberKeys);
    }
    if (refusal != null) {
      return refuse(refusal);
    }
    states.put(epoch + 1, next);
    return Decision.accept(epoch + 1);
  }

  /** The committer is the sending device: its leaf now, its key, its signature on the commit and the GroupInfo. */
  private JsonObject member(int index, SendRecord send, ParsedSend p, PublicEpoch current, byte[] key) {
    String id = send.clientMsgId();
    int committer = p.commit().committerLeaf();
    if (current == null) {
      // Epoch 0: the creator's one-leaf group; nothing stored to check the commit signature against, the GroupInfo
      // signature (by the registered key, below) binds the new epoch to the sender.
      if (committer != 0) {
        return forged(id, "payload", "the first commit must come from leaf 0");
      }
    } else {
      PublicEpoch.Leaf leaf = current.leaves().get(committer);
      if (leaf == null || !leaf.device().equals(send.senderDevice()) || !Arrays.equals(leaf.signatureKey(), key)) {
        return forged(id, "payload", "the committing leaf is not the sending device with its registered key");
      }
      if (!signedBy(index, current)) {
        return forged(id, "payload", "the commit's signature does not verify with the sender's registered key");
      }
    }
    return signer(id, p.next(), committer, send.senderDevice(), key);
  }

  /** An external join: by the sending device, a device of a member not yet in the group, signed by its key. */
  private JsonObject external(int index, SendRecord send, ParsedSend p, PublicEpoch current, byte[] key) {
    String id = send.clientMsgId();
    UUID device = send.senderDevice();
    if (current == null) {
      return MlsRefusals.of(ErrorCode.MLS_MALFORMED, id, "payload", "there is no group to join externally yet");
    }
    if (!device.equals(p.commit().joiningDevice()) || !Arrays.equals(p.joinerKey(), key)) {
      return forged(id, "payload", "the joining leaf is not the sending device with its registered key");
    }
    if (!signedBy(index, current)) {
      return forged(id, "payload", "the commit's signature does not verify with the sender's registered key");
    }
    if (current.leafOf(device) >= 0) {
      return MlsRefusals.membership(id, "payload", device, "the device is already in the group");
    }
    return signer(id, p.next(), p.next().leafOf(device), device, key);
  }

  private static JsonObject signer(String id, PublicEpoch next, int leaf, UUID device, byte[] key) {
    PublicEpoch.Leaf signer = next.leaves().get(next.signerLeaf());
    if (next.signerLeaf() != leaf || !signer.device().equals(device) || !Arrays.equals(signer.signatureKey(), key)) {
      return forged(id, "groupInfo", "the GroupInfo is not signed by the sending device's leaf and key");
    }
    return null;
  }

  /** Leaves of the state whose device is no longer an active device of a member. */
  private List<Integer> pendingRemovals(PublicEpoch state) {
    List<Integer> pending = new ArrayList<>();
    state.leaves().forEach((leaf, l) -> {
      if (!memberDevices.contains(l.device())) {
        pending.add(leaf);
      }
    });
    return pending;
  }

  private static JsonObject epochCheck(String id, long built, long current) {
    if (built < current) {
      return MlsRefusals.stale(id, built, current);
    }
    return built > current ? MlsRefusals.future(id, built, current) : null;
  }

  private static JsonObject forged(String id, String field, String message) {
    return MlsRefusals.of(ErrorCode.MLS_FORGED_SENDER, id, field, message);
  }

  private static Decision refuse(JsonObject frame) {
    return Decision.refuse(frame);
  }
}
