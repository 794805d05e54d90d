package dev.parley.chatstate;

import dev.parley.shared.ErrorCode;

/**
 * A chat-state request refused with a documented code: the api role turns it into a problem+json answer, the
 * gateway into an {@code error} frame.
 */
public final class ChatRefusal extends RuntimeException {
  private final ErrorCode code;
  private final String field;

  public ChatRefusal(ErrorCode code, String field, String message) {
    super(message, null, false, false);
    this.code = code;
    this.field = field;
  }

  public ErrorCode code() {
    return code;
  }

  /** The request field at fault, or null. */
  public String field() {
    return field;
  }

  static ChatRefusal notAMember() {
    return new ChatRefusal(ErrorCode.NOT_A_MEMBER, null, "you are not a member of this channel");
  }
}
