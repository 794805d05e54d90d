package dev.parley.mls;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Benchmark (not a test): the cost of the MLS layer on this machine. Prints a Markdown table for docs/e2ee.md.
 * <ul>
 *   <li>encrypt and decrypt of one application message (200 bytes) in a two-device group;</li>
 *   <li>for groups of 10, 100 and 1,000 devices: a commit adding one device (build, apply by another member, join
 *       by the new device from Welcome + separately served tree) and one removing a device (with its update path),
 *       with the sizes of commit, Welcome, GroupInfo and ratchet tree.</li>
 * </ul>
 * Run: see docs/e2ee.md ("Measurements").
 */
public final class MlsBenchmark {

  private MlsBenchmark() {
  }

  public static void main(String[] args) {
    int messages = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    messageCost(messages);
    signatureCost(messages);
    groupCost(10, false);
    System.out.println();
    System.out.println("| members | add: build | add: apply (other member) | add: join from Welcome | commit bytes"
        + " | Welcome bytes | GroupInfo bytes | tree bytes | remove: build | remove: apply | remove commit bytes"
        + " | snapshot bytes | snapshot write | snapshot restore |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (int size : new int[] {10, 100, 1000}) {
      groupCost(size, true);
    }
  }

  private static void messageCost(int messages) {
    Fleet fleet = new Fleet();
    MlsDevice alice = fleet.device();
    MlsDevice bob = fleet.device();
    fleet.create(alice);
    fleet.add(alice, List.of(bob));
    ChannelSession sender = fleet.session(alice);
    ChannelSession reader = fleet.session(bob);
    byte[] payload = new byte[200];
    for (int i = 0; i < messages / 4; i++) {
      reader.decrypt(sender.encrypt(payload));
    }
    byte[][] ciphertexts = new byte[messages][];
    long start = System.nanoTime();
    for (int i = 0; i < messages; i++) {
      ciphertexts[i] = sender.encrypt(payload);
    }
    long encrypted = System.nanoTime();
    for (int i = 0; i < messages; i++) {
      reader.decrypt(ciphertexts[i]);
    }
    long decrypted = System.nanoTime();
    System.out.printf("messages: %d x 200-byte payload, ciphertext %d bytes; encrypt %.1f us/msg, decrypt %.1f us/msg%n",
        messages, ciphertexts[0].length, (encrypted - start) / 1e3 / messages, (decrypted - encrypted) / 1e3 / messages);
  }

  private static void groupCost(int size, boolean print) {
    Fleet fleet = new Fleet();
    List<MlsDevice> devices = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      devices.add(fleet.device());
    }
    MlsDevice creator = devices.get(0);
    MlsDevice other = devices.get(1);
    ChannelSession committer = fleet.create(creator);
    List<byte[]> packages = new ArrayList<>();
    devices.subList(1, size).forEach(d -> packages.add(d.newOneTimeKeyPackages(1).get(0).message()));
    PendingCommit founding = committer.add(packages);
    committer.handle(founding.commit());
    ChannelSession member = other.joinFromWelcome(fleet.channel, founding.welcome(), founding.ratchetTree());

    MlsDevice newcomer = fleet.device();
    byte[] keyPackage = newcomer.newOneTimeKeyPackages(1).get(0).message();
    long t0 = System.nanoTime();
    PendingCommit add = committer.add(List.of(keyPackage));
    long t1 = System.nanoTime();
    member.handle(add.commit());
    long t2 = System.nanoTime();
    committer.handle(add.commit());
    long t3 = System.nanoTime();
    newcomer.joinFromWelcome(fleet.channel, add.welcome(), add.ratchetTree());
    long t4 = System.nanoTime();
    byte[] groupInfo = committer.groupInfo();

    long r0 = System.nanoTime();
    PendingCommit remove = committer.remove(Set.of(fleet.id(devices.get(size - 1))));
    long r1 = System.nanoTime();
    member.handle(remove.commit());
    long r2 = System.nanoTime();
    byte[] snapshot = member.snapshot();
    long s1 = System.nanoTime();
    snapshot = member.snapshot();
    long s2 = System.nanoTime();
    other.restoreSession(snapshot);
    long s3 = System.nanoTime();
    if (!print) {
      return;
    }
    System.out.printf("| %d | %.1f ms | %.1f ms | %.1f ms | %d | %d | %d | %d | %.1f ms | %.1f ms | %d | %d | %.1f ms"
        + " | %.1f ms |%n", size, ms(t1 - t0), ms(t2 - t1), ms(t4 - t3), add.commit().length, add.welcome().length,
        groupInfo.length, add.ratchetTree().length, ms(r1 - r0), ms(r2 - r1), remove.commit().length, snapshot.length,
        ms(s2 - s1), ms(s3 - s2));
  }

  /** One Ed25519 signature and one verification, which every application message carries: the floor of the above. */
  private static void signatureCost(int count) {
    org.bouncycastle.mls.crypto.MlsCipherSuite suite = MlsSuite.get();
    DeviceIdentity identity = DeviceIdentity.generate(java.util.UUID.randomUUID());
    byte[] privateKey = identity.privateKey();
    byte[] publicKey = identity.signaturePublicKey();
    byte[] content = new byte[300];
    try {
      byte[] signature = suite.signWithLabel(privateKey, "FramedContentTBS", content);
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        signature = suite.signWithLabel(privateKey, "FramedContentTBS", content);
      }
      long signed = System.nanoTime();
      for (int i = 0; i < count; i++) {
        suite.verifyWithLabel(publicKey, "FramedContentTBS", content, signature);
      }
      long verified = System.nanoTime();
      System.out.printf("of which Ed25519 (BC): sign %.1f us, verify %.1f us%n", (signed - start) / 1e3 / count,
          (verified - signed) / 1e3 / count);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

}
