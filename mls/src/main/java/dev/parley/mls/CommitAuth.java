package dev.parley.mls;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import org.bouncycastle.mls.codec.AuthenticatedContent;
import org.bouncycastle.mls.codec.FramedContent;
import org.bouncycastle.mls.codec.PublicMessage;
import org.bouncycastle.mls.codec.WireFormat;

/**
 * Who signed a commit, checked without group secrets: the Delivery Service verifies the commit's signature (over
 * the FramedContentTBS, which includes the group context of the epoch it was built on) with the registered key of
 * the device that sent it. The membership tag (a MAC under the epoch's membership key) is beyond the server.
 * BC keeps a PublicMessage's auth data package-private, hence the reflection (checked when the class loads).
 */
public final class CommitAuth {

  private static final Field PUBLIC_AUTH = BcInternals.field(PublicMessage.class, "auth");
  private static final Constructor<AuthenticatedContent> AUTHENTICATED = constructor();

  private CommitAuth() {
  }

  /** Whether {@code commit} (a PublicMessage commit) is signed by {@code signatureKey} over {@code groupContext}. */
  public static boolean signedBy(byte[] commit, byte[] groupContext, byte[] signatureKey) {
    IncomingCommit incoming = IncomingCommit.parse(commit);
    try {
      Object auth = BcInternals.get(PUBLIC_AUTH, incoming.message.publicMessage);
      AuthenticatedContent content = AUTHENTICATED.newInstance(WireFormat.mls_public_message, incoming.content, auth);
      return content.verify(MlsSuite.get(), signatureKey, groupContext);
    } catch (Exception e) {
      return false;
    }
  }

  /** The signature key of the leaf an external commit's joiner brings (its update path's leaf), or null. */
  public static byte[] joinerKey(byte[] commit) {
    IncomingCommit incoming = IncomingCommit.parse(commit);
    if (!incoming.external() || incoming.content.getCommit().getUpdatePath() == null) {
      return null;
    }
    return incoming.content.getCommit().getUpdatePath().getLeafNode().getSignatureKey();
  }

  @SuppressWarnings("unchecked")
  private static Constructor<AuthenticatedContent> constructor() {
    try {
      Class<?> authData = Class.forName("org.bouncycastle.mls.codec.FramedContentAuthData");
      return AuthenticatedContent.class.getConstructor(WireFormat.class, FramedContent.class, authData);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Bouncy Castle MLS is not the 1.84 layout Parley expects: "
          + "AuthenticatedContent(WireFormat, FramedContent, FramedContentAuthData)", e);
    }
  }
}
