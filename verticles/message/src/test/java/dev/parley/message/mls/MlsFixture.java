package dev.parley.message.mls;

import dev.parley.mls.ChannelSession;
import dev.parley.mls.KeyDirectory;
import dev.parley.mls.MlsDevice;
import dev.parley.mls.DeviceIdentity;
import dev.parley.mls.PendingCommit;
import dev.parley.mls.PublicEpoch;
import dev.parley.protocol.SendRecord;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Test fixture: real MLS devices (Bouncy Castle through the mls module) sharing one key directory, the member
 * devices of one channel with their keys, and the sends a gateway would put on the log for them.
 */
public final class MlsFixture {
  public final UUID channel = UUID.randomUUID();
  public final Map<UUID, byte[]> directory = new HashMap<>();
  /** Active devices of current members → registered key: what MemberKeys would read. */
  public final Map<UUID, byte[]> members = new HashMap<>();
  private final SecureRandom random = new SecureRandom();
  private int sends;

  public MlsDevice device(boolean member) {
    DeviceIdentity identity = DeviceIdentity.generate(UUID.randomUUID());
    directory.put(identity.deviceId(), identity.signaturePublicKey());
    if (member) {
      members.put(identity.deviceId(), identity.signaturePublicKey());
    }
    KeyDirectory keys = id -> Optional.ofNullable(directory.get(id));
    return new MlsDevice(identity, keys, Clock.systemUTC(), random, Duration.ofDays(30));
  }

  public static UUID id(MlsDevice device) {
    return device.identity().deviceId();
  }

  public static byte[] keyPackage(MlsDevice device) {
    return device.newOneTimeKeyPackages(1).get(0).message();
  }

  public static List<byte[]> keyPackages(MlsDevice... devices) {
    List<byte[]> out = new ArrayList<>();
    for (MlsDevice d : devices) {
      out.add(keyPackage(d));
    }
    return out;
  }

  public SendRecord commit(MlsDevice sender, PendingCommit c) {
    return commit(id(sender), c.commit(), c.welcome(), c.groupInfo(), c.ratchetTree());
  }

  public SendRecord commit(UUID senderDevice, byte[] commit, byte[] welcome, byte[] groupInfo, byte[] tree) {
    return new SendRecord(channel, new UUID(0, 1), senderDevice, "k-" + (++sends), "commit", commit, "gw", 0,
        new SendRecord.CommitParts(welcome, groupInfo, tree));
  }

  public SendRecord application(MlsDevice sender, byte[] payload) {
    return new SendRecord(channel, new UUID(0, 1), id(sender), "c-" + (++sends), "application", payload, "gw", 0);
  }

  public static PublicEpoch state(ChannelSession session) {
    return PublicEpoch.read(session.groupInfo(), session.ratchetTree());
  }
}
