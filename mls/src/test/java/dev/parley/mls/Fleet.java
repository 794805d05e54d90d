package dev.parley.mls;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Test fixture: devices sharing one key directory, and a "log" helper that plays the Delivery Service's part —
 * a commit is applied by every member in the same order, the committer through its pending state.
 */
final class Fleet {

  static final Duration LIFETIME = Duration.ofDays(30);

  final Map<UUID, byte[]> directory = new HashMap<>();
  final Map<UUID, MlsDevice> devices = new LinkedHashMap<>();
  final Map<UUID, ChannelSession> sessions = new LinkedHashMap<>();
  final SecureRandom random = new SecureRandom();
  final UUID channel = UUID.randomUUID();

  KeyDirectory keyDirectory() {
    return deviceId -> Optional.ofNullable(directory.get(deviceId));
  }

  /** A registered device (its key is in the directory). */
  MlsDevice device() {
    DeviceIdentity identity = DeviceIdentity.generate(UUID.randomUUID());
    directory.put(identity.deviceId(), identity.signaturePublicKey());
    MlsDevice device = new MlsDevice(identity, keyDirectory(), Clock.systemUTC(), random, LIFETIME);
    devices.put(identity.deviceId(), device);
    return device;
  }

  UUID id(MlsDevice device) {
    return device.identity().deviceId();
  }

  ChannelSession create(MlsDevice creator) {
    ChannelSession session = creator.createGroup(channel);
    sessions.put(id(creator), session);
    return session;
  }

  /** {@code committer} adds {@code joiners}; the commit is "sequenced" and every member applies it; joiners join. */
  PendingCommit add(MlsDevice committer, List<MlsDevice> joiners) {
    List<byte[]> packages = new ArrayList<>();
    joiners.forEach(j -> packages.add(j.newOneTimeKeyPackages(1).get(0).message()));
    PendingCommit commit = sessions.get(id(committer)).add(packages);
    deliver(commit.commit());
    for (MlsDevice joiner : joiners) {
      sessions.put(id(joiner), joiner.joinFromWelcome(channel, commit.welcome(), commit.ratchetTree()));
    }
    return commit;
  }

  /** Every current member's session applies {@code commit}, in insertion order. */
  List<HandledCommit> deliver(byte[] commit) {
    List<HandledCommit> outcomes = new ArrayList<>();
    for (ChannelSession session : sessions.values()) {
      if (session.active()) {
        outcomes.add(session.handle(commit));
      }
    }
    return outcomes;
  }

  ChannelSession session(MlsDevice device) {
    return sessions.get(id(device));
  }
}
