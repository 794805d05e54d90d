package dev.parley.mls;

import org.bouncycastle.mls.crypto.MlsCipherSuite;

/** The one cipher suite Parley speaks: MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 (0x0001). */
public final class MlsSuite {

  public static final short ID = MlsCipherSuite.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

  private MlsSuite() {
  }

  /**
   * Runs {@code task} holding the process-wide Bouncy Castle MLS lock. BC 1.84 keeps one suite instance whose
   * signer and AEAD are stateful, so two threads signing or verifying at once corrupt each other: a process that
   * runs MLS work on several threads (the server's worker pool) runs every such task through here — the monitor is
   * {@code MlsSuite.class}, the one the client library synchronises on too.
   */
  public static <T> T exclusive(java.util.concurrent.Callable<T> task) throws Exception {
    synchronized (MlsSuite.class) {
      return task.call();
    }
  }

  /** BC's suite object for {@link #ID}; BC keeps one instance per suite (shared: see {@link #exclusive}). */
  public static MlsCipherSuite get() {
    try {
      return MlsCipherSuite.getSuite(ID);
    } catch (Exception e) {
      throw new IllegalStateException("Bouncy Castle does not provide MLS cipher suite 0x0001", e);
    }
  }
}
