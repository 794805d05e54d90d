package dev.parley.gateway;

import dev.parley.shared.ErrorCode;
import dev.parley.shared.Refusal;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SendFramesTest {
  private static final UUID CHANNEL = UUID.randomUUID();

  private static JsonObject send(int payloadBytes) {
    return new JsonObject().put("type", "send").put("channelId", CHANNEL.toString()).put("clientMsgId", "c-1")
        .put("payload", Base64.getEncoder().encodeToString(new byte[payloadBytes]));
  }

  private static ErrorCode codeOf(JsonObject frame, int max) {
    try {
      SendFrames.parse(frame, max);
      return null;
    } catch (Refusal e) {
      return e.code();
    }
  }

  @Test
  @DisplayName("a valid send parses with kind defaulting to application")
  void valid() {
    SendFrames.Send s = SendFrames.parse(send(10), 64);
    assertThat(s.channelId()).isEqualTo(CHANNEL);
    assertThat(s.kind()).isEqualTo("application");
    assertThat(s.payload()).hasSize(10);
    assertThat(SendFrames.parse(send(64).put("kind", "commit").put("groupInfo", "AAE=").put("ratchetTree", "AAE="), 64)
        .kind()).isEqualTo("commit");
  }

  @Test
  @DisplayName("payload at the limit passes, one byte over is payload_too_large")
  void payloadLimit() {
    assertThat(codeOf(send(65_536), 65_536)).isNull();
    assertThat(codeOf(send(65_537), 65_536)).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
    assertThat(codeOf(send(1_000_000), 65_536)).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
  }

  @Test
  @DisplayName("bad fields are invalid_field and carry the clientMsgId when it is valid")
  void badFields() {
    assertThat(codeOf(send(1).put("channelId", "nope"), 64)).isEqualTo(ErrorCode.INVALID_FIELD);
    assertThat(codeOf(send(1).put("clientMsgId", ""), 64)).isEqualTo(ErrorCode.INVALID_FIELD);
    assertThat(codeOf(send(1).put("clientMsgId", "x".repeat(65)), 64)).isEqualTo(ErrorCode.INVALID_FIELD);
    assertThat(codeOf(send(1).put("kind", "Bad Kind"), 64)).isEqualTo(ErrorCode.INVALID_FIELD);
    assertThat(codeOf(send(1).put("payload", "!!!"), 64)).isEqualTo(ErrorCode.INVALID_FIELD);
    assertThat(codeOf(send(1).put("payload", 5), 64)).isEqualTo(ErrorCode.INVALID_FIELD);
    assertThat(codeOf(send(1).put("extra", true), 64)).isEqualTo(ErrorCode.INVALID_FIELD);
    assertThat(codeOf(send(1).put("channelId", "1-1-1-1-1"), 64)).isEqualTo(ErrorCode.INVALID_FIELD);
    assertThat(codeOf(send(1).put("channelId", CHANNEL.toString().toUpperCase()), 64))
        .isEqualTo(ErrorCode.INVALID_FIELD);
    assertThatThrownBy(() -> SendFrames.parse(send(1).put("channelId", "nope"), 64))
        .isInstanceOfSatisfying(Refusal.class, e -> assertThat(e.field()).isEqualTo("channelId"));
    assertThatThrownBy(() -> SendFrames.parse(send(1).put("clientMsgId", "x".repeat(65)), 64))
        .isInstanceOfSatisfying(Refusal.class, e -> assertThat(e.field()).isEqualTo("clientMsgId"));
  }

  @Test
  @DisplayName("payloads are standard base64 with padding, in one spelling: unpadded, url-safe, stray bits refused")
  void base64IsCanonical() {
    assertThat(SendFrames.base64("QQ==")).containsExactly('A');
    assertThat(SendFrames.base64("")).isEmpty();
    assertThat(SendFrames.base64("+/+/")).hasSize(3);
    for (String bad : new String[] {"QQ", "QQ=", "QR==", "-_-_", "QQ==QQ==", "Q Q==", "QQ==\n", "=QQ="}) {
      assertThatThrownBy(() -> SendFrames.base64(bad)).as(bad).isInstanceOfSatisfying(Refusal.class,
          e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD));
    }
  }

  @Test
  @DisplayName("the token comes from the Bearer header, else from the access_token query parameter")
  void tokenSources() {
    assertThat(WsAuthenticator.token("Bearer abc", "access_token=zzz")).isEqualTo("abc");
    assertThat(WsAuthenticator.token(null, "x=1&access_token=a%2Eb")).isEqualTo("a.b");
    assertThat(WsAuthenticator.token("Basic abc", null)).isNull();
  }

  @Test
  @DisplayName("commit parts: only with kind commit, groupInfo and ratchetTree required, each within its mls.* limit")
  void commitParts() {
    SendFrames.CommitLimits limits = new SendFrames.CommitLimits(64, 32, 16, 48);
    String b64 = Base64.getEncoder().encodeToString(new byte[8]);
    JsonObject commit = send(8).put("kind", "commit").put("groupInfo", b64).put("ratchetTree", b64);
    SendFrames.Send parsed = SendFrames.parse(commit.copy().put("welcome", b64), 64, limits);
    assertThat(parsed.commitParts().welcome()).hasSize(8);
    assertThat(SendFrames.parse(commit, 64, limits).commitParts().welcome()).isNull();
    assertRefused(() -> SendFrames.parse(commit.copy().put("ratchetTree",
        Base64.getEncoder().encodeToString(new byte[49])), 64, limits), ErrorCode.PAYLOAD_TOO_LARGE, "ratchetTree");
    assertRefused(() -> SendFrames.parse(commit.copy().put("groupInfo",
        Base64.getEncoder().encodeToString(new byte[17])), 64, limits), ErrorCode.PAYLOAD_TOO_LARGE, "groupInfo");
    assertRefused(() -> SendFrames.parse(commit.copy().put("welcome", "AA"), 64, limits), ErrorCode.INVALID_FIELD,
        "welcome");
    JsonObject noTree = commit.copy();
    noTree.remove("ratchetTree");
    assertRefused(() -> SendFrames.parse(noTree, 64, limits), ErrorCode.INVALID_FIELD, "ratchetTree");
    assertRefused(() -> SendFrames.parse(send(8).put("groupInfo", b64), 64, limits), ErrorCode.INVALID_FIELD,
        "groupInfo");
  }

  private static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ErrorCode code,
                                    String field) {
    assertThatThrownBy(call).isInstanceOfSatisfying(Refusal.class, r -> {
      assertThat(r.code()).isEqualTo(code);
      assertThat(r.field()).isEqualTo(field);
    });
  }
}
