package dev.parley.mls;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.bouncycastle.mls.codec.KeyPackage;
import org.bouncycastle.mls.codec.WireFormat;

/**
 * The on-disk form of a device's MLS identity and held KeyPackages (per-channel state lives in
 * {@link SessionSnapshots}, one file per channel, so a commit rewrites only its channel's file). Format:
 * <pre>
 *   int32 magic 'PMLS' | int32 kind 2 (device) | int32 version 1
 *   text device id | bytes Ed25519 private key
 *   int32 n, n x [ bytes KeyPackage MLSMessage | HPKE init key pair | HPKE leaf key pair | bool last resort ]
 * </pre>
 */
public final class DeviceSnapshots {

  record Restored(DeviceIdentity identity, List<KeyPackageBundle> keyPackages) {
  }

  private DeviceSnapshots() {
  }

  static byte[] write(DeviceIdentity identity, List<KeyPackageBundle> bundles) {
    SnapshotOut out = new SnapshotOut().int32(SessionSnapshots.MAGIC).int32(SessionSnapshots.KIND_DEVICE)
        .int32(SessionSnapshots.VERSION);
    out.text(identity.deviceId().toString()).bytes(identity.privateKey()).int32(bundles.size());
    bundles.forEach(b -> out.bytes(b.message()).hpkeKeys(b.initKeys()).hpkeKeys(b.leafKeys()).bool(b.lastResort()));
    return out.toByteArray();
  }

  static Restored read(byte[] snapshot) {
    SnapshotIn in = new SnapshotIn(snapshot);
    SessionSnapshots.header(in, SessionSnapshots.KIND_DEVICE);
    UUID deviceId = SessionSnapshots.channel(in.text());
    DeviceIdentity identity = DeviceIdentity.restore(deviceId, in.requiredBytes());
    int count = in.count();
    List<KeyPackageBundle> bundles = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] message = in.requiredBytes();
      KeyPackage keyPackage;
      byte[] ref;
      try {
        keyPackage = MlsWire.decode(message, WireFormat.mls_key_package).keyPackage;
        ref = KeyPackages.ref(keyPackage);
      } catch (Exception e) {
        throw SnapshotIn.bad("held KeyPackage does not decode");
      }
      bundles.add(new KeyPackageBundle(ref, message, keyPackage, in.hpkeKeys(), in.hpkeKeys(), in.bool()));
    }
    in.end();
    return new Restored(identity, bundles);
  }
}
