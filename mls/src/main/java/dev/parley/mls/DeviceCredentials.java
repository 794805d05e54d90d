package dev.parley.mls;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.bouncycastle.mls.TreeKEM.LeafNode;
import org.bouncycastle.mls.codec.Credential;
import org.bouncycastle.mls.codec.CredentialType;

/**
 * A leaf's credential is an MLS BasicCredential whose identity is the device id, as the canonical lower-case UUID
 * string in UTF-8. One accepted spelling: anything else (upper case, braces, x509) is refused.
 */
public final class DeviceCredentials {

  private DeviceCredentials() {
  }

  public static Credential forDevice(UUID deviceId) {
    return Credential.forBasic(deviceId.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The device a leaf names, or {@link MlsException.Reason#BAD_CREDENTIAL}. */
  public static UUID deviceOf(LeafNode leaf) {
    Credential credential = leaf.getCredential();
    if (credential == null || credential.getCredentialType() != CredentialType.basic) {
      throw new MlsException(MlsException.Reason.BAD_CREDENTIAL, "credential is not a BasicCredential");
    }
    String text = new String(credential.getIdentity(), StandardCharsets.UTF_8);
    UUID id;
    try {
      id = UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw new MlsException(MlsException.Reason.BAD_CREDENTIAL, "credential identity is not a device id");
    }
    if (!id.toString().equals(text)) {
      throw new MlsException(MlsException.Reason.BAD_CREDENTIAL, "credential identity is not a canonical device id");
    }
    return id;
  }
}
