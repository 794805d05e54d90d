package dev.parley.mls;

import java.util.Arrays;
import org.bouncycastle.mls.codec.MLSInputStream;
import org.bouncycastle.mls.codec.MLSMessage;
import org.bouncycastle.mls.codec.MLSOutputStream;
import org.bouncycastle.mls.codec.ProtocolVersion;
import org.bouncycastle.mls.codec.WireFormat;

/**
 * Strict decoding of MLS messages: one accepted encoding. BC's decoder stops at the end of the structure and ignores
 * what follows, so a message is accepted only if it re-encodes to exactly the bytes received.
 */
public final class MlsWire {

  private MlsWire() {
  }

  /** {@code bytes} as an MLSMessage of wire format {@code expected}, or {@link MlsException.Reason#MALFORMED}. */
  public static MLSMessage decode(byte[] bytes, WireFormat expected) {
    MLSMessage message;
    try {
      message = (MLSMessage) MLSInputStream.decode(bytes, MLSMessage.class);
      if (!Arrays.equals(MLSOutputStream.encode(message), bytes)) {
        throw new MlsException(MlsException.Reason.MALFORMED, "not a canonical MLS encoding (trailing bytes?)");
      }
    } catch (MlsException e) {
      throw e;
    } catch (Exception | AssertionError e) {
      throw new MlsException(MlsException.Reason.MALFORMED, "not an MLS message: " + e.getMessage(), e);
    }
    if (message.version != ProtocolVersion.mls10) {
      throw new MlsException(MlsException.Reason.MALFORMED, "not MLS 1.0");
    }
    if (message.wireFormat != expected) {
      throw new MlsException(MlsException.Reason.MALFORMED, "expected " + expected + ", got " + message.wireFormat);
    }
    return message;
  }

  /** Checks that {@code bytes} is a canonical MLSMessage carrying a Welcome of suite 0x0001. */
  public static void requireWelcome(byte[] bytes) {
    MLSMessage message = decode(bytes, WireFormat.mls_welcome);
    if (message.welcome.getSuite().getSuiteID() != MlsSuite.ID) {
      throw new MlsException(MlsException.Reason.WRONG_SUITE, "Welcome of another cipher suite");
    }
  }

  static byte[] encode(Object structure) {
    try {
      return MLSOutputStream.encode(structure);
    } catch (Exception e) {
      throw new IllegalStateException("could not encode " + structure.getClass().getSimpleName(), e);
    }
  }
}
