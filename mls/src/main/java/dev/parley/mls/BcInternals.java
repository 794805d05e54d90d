package dev.parley.mls;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.bouncycastle.mls.codec.AuthenticatedContent;
import org.bouncycastle.mls.codec.FramedContent;
import org.bouncycastle.mls.codec.MLSMessage;
import org.bouncycastle.mls.codec.PrivateMessage;
import org.bouncycastle.mls.codec.PublicMessage;
import org.bouncycastle.mls.protocol.Group;

/**
 * The few BC 1.84 members the public API hides but a Delivery-Service client needs: the framed content of a
 * PublicMessage (to check group id, sender and proposals before handling), the group id of a PrivateMessage, and
 * the authenticated sender of an application message ({@code Group.unprotect} returns the plaintext but drops
 * who sent it). All reflective access to BC except snapshots is here; a BC upgrade fails these loudly.
 */
final class BcInternals {

  private static final Field PUBLIC_CONTENT = field(PublicMessage.class, "content");
  private static final Field PRIVATE_GROUP_ID = field(PrivateMessage.class, "group_id");
  private static final Method UNPROTECT = method(Group.class, "unprotectToContentAuth", MLSMessage.class);
  private static final Method VERIFY = method(Group.class, "verifyAuth", AuthenticatedContent.class);

  private BcInternals() {
  }

  static FramedContent content(PublicMessage message) {
    return (FramedContent) get(PUBLIC_CONTENT, message);
  }

  static byte[] groupId(PrivateMessage message) {
    return (byte[]) get(PRIVATE_GROUP_ID, message);
  }

  /** What {@code Group.unprotect} does, keeping the content (and so the sender) it verified. */
  static AuthenticatedContent unprotect(Group group, MLSMessage message) throws Exception {
    AuthenticatedContent auth = (AuthenticatedContent) invoke(UNPROTECT, group, message);
    if (auth == null || !((Boolean) invoke(VERIFY, group, auth))) {
      throw new MlsException(MlsException.Reason.REJECTED, "message signature does not verify");
    }
    return auth;
  }

  static Field field(Class<?> owner, String name) {
    try {
      Field field = owner.getDeclaredField(name);
      field.setAccessible(true);
      return field;
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("Bouncy Castle MLS is not the 1.84 layout Parley expects: " + owner.getName()
          + "." + name, e);
    }
  }

  private static Method method(Class<?> owner, String name, Class<?>... parameters) {
    try {
      Method method = owner.getDeclaredMethod(name, parameters);
      method.setAccessible(true);
      return method;
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("Bouncy Castle MLS is not the 1.84 layout Parley expects: " + owner.getName()
          + "." + name + "()", e);
    }
  }

  static Object get(Field field, Object target) {
    try {
      return field.get(target);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object invoke(Method method, Object target, Object... args) throws Exception {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
