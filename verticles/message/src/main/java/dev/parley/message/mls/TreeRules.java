package dev.parley.message.mls;

import dev.parley.mls.CommitSummary;
import dev.parley.mls.PublicEpoch;
import dev.parley.shared.ErrorCode;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The part of {@link EpochRules} that compares a commit's new ratchet tree with the current one and the members. */
final class TreeRules {

  private TreeRules() {
  }

  /**
   * The new tree against the current one and the membership: removed leaves are blank, the others keep their
   * device, added devices are there; every leaf is an active device of a member with its registered key, once.
   */
  static JsonObject check(String id, CommitSummary commit, PublicEpoch current, PublicEpoch next,
                          Map<UUID, byte[]> memberKeys) {
    boolean external = commit.committerLeaf() < 0;
    Set<Integer> removed = new HashSet<>(commit.removedLeaves());
    Map<Integer, PublicEpoch.Leaf> before = current == null ? Map.of() : current.leaves();
    for (int leaf : removed) {
      if (!before.containsKey(leaf) || next.leaves().containsKey(leaf)) {
        return MlsRefusals.of(ErrorCode.MLS_MALFORMED, id, "ratchetTree", "removed leaf " + leaf
            + " is not blank in the new tree, or was not occupied");
      }
    }
    for (Map.Entry<Integer, PublicEpoch.Leaf> e : before.entrySet()) {
      PublicEpoch.Leaf after = next.leaves().get(e.getKey());
      if (!removed.contains(e.getKey()) && (after == null || !after.device().equals(e.getValue().device()))) {
        return MlsRefusals.of(ErrorCode.MLS_MALFORMED, id, "ratchetTree", "leaf " + e.getKey()
            + " changed device without a Remove");
      }
    }
    for (UUID added : commit.addedDevices()) {
      if (next.leafOf(added) < 0) {
        return MlsRefusals.of(ErrorCode.MLS_MALFORMED, id, "ratchetTree", "added device " + added + " is not in it");
      }
    }
    Set<UUID> seen = new HashSet<>();
    List<Integer> pending = new ArrayList<>();
    for (Map.Entry<Integer, PublicEpoch.Leaf> e : next.leaves().entrySet()) {
      UUID device = e.getValue().device();
      if (!seen.add(device)) {
        return MlsRefusals.membership(id, "ratchetTree", device, "a device may hold one leaf only");
      }
      if (!memberKeys.containsKey(device)) {
        if (before.containsKey(e.getKey())) {
          pending.add(e.getKey()); // carried over from before: a removal this commit should have made
          continue;
        }
        return MlsRefusals.membership(id, "ratchetTree", device, "device " + device
            + " is not an active device of a member");
      }
      byte[] registered = memberKeys.get(device);
      if (registered == null || !Arrays.equals(registered, e.getValue().signatureKey())) {
        return MlsRefusals.of(ErrorCode.MLS_FORGED_SENDER, id, "ratchetTree", "the leaf of device " + device
            + " does not carry its registered key")
            .put("deviceId", device.toString());
      }
    }
    // An external commit cannot remove (BC 1.84), so it may leave pending removals for the members to commit.
    return pending.isEmpty() || external ? null : MlsRefusals.removalPending(id, next.epoch() - 1, pending);
  }
}
