package dev.parley.message.mls;

import dev.parley.mls.CommitAuth;
import dev.parley.mls.CommitSummary;
import dev.parley.mls.MessageHeader;
import dev.parley.mls.MlsException;
import dev.parley.mls.MlsFieldException;
import dev.parley.mls.MlsWire;
import dev.parley.mls.PublicEpoch;
import dev.parley.protocol.SendRecord;
import io.vertx.core.json.JsonObject;

/**
 * One send read as MLS, without any channel state: an application message's clear header, or a commit's summary
 * with the public state of the epoch it leads to; or why it cannot be either (the refusal, applied by
 * {@link EpochRules} unless the channel still takes opaque payloads). Commits are expensive to read (tree hash,
 * signatures): {@link MlsGate} reads them off the event loop.
 */
record ParsedSend(MessageHeader header, CommitSummary commit, PublicEpoch next, byte[] joinerKey,
                  JsonObject refusal) {

  static final String APPLICATION = "application";
  static final String COMMIT = "commit";

  static ParsedSend of(SendRecord send) {
    return switch (send.kind()) {
      case APPLICATION -> application(send);
      case COMMIT -> commit(send);
      default -> null;
    };
  }

  private static ParsedSend application(SendRecord send) {
    try {
      MessageHeader header = MessageHeader.of(send.payload());
      if (header.kind() != MessageHeader.Kind.APPLICATION) {
        return refused(MlsRefusals.of(MlsException.Reason.MALFORMED, send.clientMsgId(), "payload",
            "an application message must be a PrivateMessage (commits go in kind commit)"));
      }
      return new ParsedSend(header, null, null, null, null);
    } catch (MlsException e) {
      return refused(MlsRefusals.of(e.reason(), send.clientMsgId(), "payload", e.getMessage()));
    }
  }

  private static ParsedSend commit(SendRecord send) {
    SendRecord.CommitParts parts = send.commitParts();
    if (parts == null) {
      return refused(MlsRefusals.of(MlsException.Reason.MALFORMED, send.clientMsgId(), "groupInfo",
          "a commit needs groupInfo and ratchetTree"));
    }
    CommitSummary summary;
    byte[] joinerKey;
    try {
      summary = CommitSummary.of(send.payload());
      joinerKey = summary.committerLeaf() < 0 ? CommitAuth.joinerKey(send.payload()) : null;
    } catch (MlsException e) {
      return refused(MlsRefusals.of(e.reason(), send.clientMsgId(), "payload", e.getMessage()));
    }
    if (summary.addedDevices().isEmpty() != (parts.welcome() == null)) {
      return refused(MlsRefusals.of(MlsException.Reason.MALFORMED, send.clientMsgId(), "welcome",
          parts.welcome() == null ? "a commit that adds devices needs their welcome" : "welcome without Adds"));
    }
    try {
      if (parts.welcome() != null) {
        MlsWire.requireWelcome(parts.welcome());
      }
    } catch (MlsException e) {
      return refused(MlsRefusals.of(e.reason(), send.clientMsgId(), "welcome", e.getMessage()));
    }
    try {
      PublicEpoch next = PublicEpoch.read(parts.groupInfo(), parts.ratchetTree());
      return new ParsedSend(null, summary, next, joinerKey, null);
    } catch (MlsFieldException e) {
      return refused(MlsRefusals.of(e.reason(), send.clientMsgId(), e.field(), e.getMessage()));
    }
  }

  private static ParsedSend refused(JsonObject refusal) {
    return new ParsedSend(null, null, null, null, refusal);
  }
}
