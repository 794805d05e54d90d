package dev.parley.mls;

import org.bouncycastle.mls.crypto.MlsCipherSuite;

/** The one cipher suite Parley speaks: MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 (0x0001). */
public final class MlsSuite {

  public static final short ID = MlsCipherSuite.MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

  private MlsSuite() {
  }

  /** BC's suite object for {@link #ID}; BC keeps one immutable instance per suite. */
  public static MlsCipherSuite get() {
    try {
      return MlsCipherSuite.getSuite(ID);
    } catch (Exception e) {
      throw new IllegalStateException("Bouncy Castle does not provide MLS cipher suite 0x0001", e);
    }
  }
}
