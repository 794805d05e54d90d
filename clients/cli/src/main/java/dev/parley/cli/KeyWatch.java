package dev.parley.cli;

import dev.parley.mls.DeviceKeyLog;
import dev.parley.mls.MlsException;
import dev.parley.mls.SafetyNumbers;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The CLI's end-to-end-encryption checks that do not need a group state (docs/cli.md, "End-to-end encryption"):
 * a peer's device-key log, verified as a hash chain and remembered per profile, so a change of their key set since
 * the last check is told; and the safety number two users compare out of band. Both come from the key directory
 * (docs/e2ee.md) and the {@code mls} module's {@link DeviceKeyLog} and {@link SafetyNumbers}; nothing is computed
 * here that those do not define.
 */
final class KeyWatch {
  /** A user's verified key set: the device keys after replaying the log, and where the replay stopped. */
  record Verified(UUID userId, long seq, byte[] hash, Map<UUID, byte[]> devices, List<String> changes) {
  }

  private final Session session;

  KeyWatch(Session session) {
    this.session = session;
  }

  /**
   * Fetches {@code userId}'s log after the last verified entry, checks it chains onto it, applies it and stores the
   * result. {@code changes} lists what changed since the previous check (empty on the first one).
   */
  Verified verify(UUID userId) {
    Path file = session.store.dataDir().resolve("keylog-" + userId + ".json");
    boolean checkedBefore = Files.exists(file);
    Verified known = load(userId, file);
    JsonArray raw = session.await(session.api().get("/v1/users/" + userId + "/device-key-log?afterSeq=" + known.seq(),
        session.token())).getJsonArray("entries");
    List<DeviceKeyLog.Entry> entries = new ArrayList<>();
    raw.forEach(o -> entries.add(entry((JsonObject) o)));
    try {
      DeviceKeyLog.verify(known.hash(), entries);
    } catch (MlsException e) {
      throw new CliError(Exit.OTHER, "the device-key log of user " + userId + " does not verify (" + e.getMessage()
          + "): the server changed history it already showed you");
    }
    if (!entries.isEmpty() && entries.get(0).seq() != known.seq() + 1) {
      throw new CliError(Exit.OTHER, "the device-key log of user " + userId + " does not continue at seq "
          + (known.seq() + 1));
    }
    Map<UUID, byte[]> devices = new LinkedHashMap<>(known.devices());
    List<String> changes = new ArrayList<>();
    for (DeviceKeyLog.Entry e : entries) {
      if (e.action() == DeviceKeyLog.Action.ADDED) {
        devices.put(e.deviceId(), e.signatureKey());
      } else {
        devices.remove(e.deviceId());
      }
      if (checkedBefore) {
        changes.add("device " + e.deviceId() + " " + e.action().name().toLowerCase());
      }
    }
    long seq = entries.isEmpty() ? known.seq() : entries.get(entries.size() - 1).seq();
    byte[] hash = entries.isEmpty() ? known.hash() : entries.get(entries.size() - 1).hash();
    Verified now = new Verified(userId, seq, hash, devices, changes);
    store(file, now);
    return now;
  }

  /** The 60-digit number of the pair; each half covers every current device key of its user. */
  static String safetyNumber(Verified me, Verified peer) {
    return SafetyNumbers.forPair(SafetyNumbers.forUser(me.userId(), me.devices().values()),
        SafetyNumbers.forUser(peer.userId(), peer.devices().values()));
  }

  private static DeviceKeyLog.Entry entry(JsonObject j) {
    Base64.Decoder b64 = Base64.getDecoder();
    DeviceKeyLog.Action action = switch (j.getString("action")) {
      case "added" -> DeviceKeyLog.Action.ADDED;
      case "removed" -> DeviceKeyLog.Action.REMOVED;
      default -> throw new CliError(Exit.OTHER, "unknown device-key log action: " + j.getString("action"));
    };
    return new DeviceKeyLog.Entry(j.getLong("seq"), UUID.fromString(j.getString("deviceId")), action,
        b64.decode(j.getString("signatureKey")), b64.decode(j.getString("hash")));
  }

  private static Verified load(UUID userId, Path file) {
    if (!Files.exists(file)) {
      return new Verified(userId, 0, DeviceKeyLog.GENESIS, Map.of(), List.of());
    }
    try {
      JsonObject j = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
      Map<UUID, byte[]> devices = new LinkedHashMap<>();
      j.getJsonObject("devices").forEach(e -> devices.put(UUID.fromString(e.getKey()),
          Base64.getDecoder().decode((String) e.getValue())));
      return new Verified(userId, j.getLong("seq"), Base64.getDecoder().decode(j.getString("hash")), devices, List.of());
    } catch (IOException | RuntimeException e) {
      throw new CliError(Exit.OTHER, "cannot read " + file + " (" + e.getMessage() + "); delete it to start over");
    }
  }

  private static void store(Path file, Verified v) {
    JsonObject devices = new JsonObject();
    v.devices().forEach((id, key) -> devices.put(id.toString(), Base64.getEncoder().encodeToString(key)));
    ProfileStore.writePrivate(file, new JsonObject().put("seq", v.seq())
        .put("hash", Base64.getEncoder().encodeToString(v.hash())).put("devices", devices).encode());
  }
}
