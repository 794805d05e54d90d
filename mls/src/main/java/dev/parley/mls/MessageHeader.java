package dev.parley.mls;

import org.bouncycastle.mls.codec.ContentType;
import org.bouncycastle.mls.codec.MLSMessage;
import org.bouncycastle.mls.codec.WireFormat;

/**
 * The clear header of an MLS message travelling on a channel's log: its kind, group and epoch. The Delivery Service
 * reads it for every frame — an application message must be a PrivateMessage of the channel's group and current
 * epoch (receivers that already applied the next commit cannot read an older epoch's message), a handshake message a
 * PublicMessage commit ({@link CommitSummary} tells what it changes).
 */
public record MessageHeader(Kind kind, byte[] groupId, long epoch) {

  /** What the message carries, as far as the server may know. */
  public enum Kind { APPLICATION, COMMIT }

  public static MessageHeader of(byte[] message) {
    MLSMessage decoded;
    try {
      decoded = MlsWire.decode(message, WireFormat.mls_private_message);
    } catch (MlsException notPrivate) {
      CommitSummary commit = CommitSummary.of(message);
      return new MessageHeader(Kind.COMMIT, commit.groupId(), commit.epoch());
    }
    if (decoded.getContentType() != ContentType.APPLICATION) {
      throw new MlsException(MlsException.Reason.UNSUPPORTED, "encrypted handshake messages are not used");
    }
    return new MessageHeader(Kind.APPLICATION, BcInternals.groupId(decoded.privateMessage), decoded.getEpoch());
  }
}
