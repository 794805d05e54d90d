package dev.parley.client;

import dev.parley.protocol.ChainHash;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChannelLogTest {
  private static final UUID USER = UUID.fromString("11111111-2222-3333-4444-555555555555");
  private static final UUID DEVICE = UUID.fromString("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
  private static final UUID CHANNEL = UUID.randomUUID();

  private static List<Message> chain(int n) {
    byte[] prev = ChainHash.genesis();
    List<Message> out = new java.util.ArrayList<>();
    for (int seq = 1; seq <= n; seq++) {
      byte[] payload = ("m" + seq).getBytes(StandardCharsets.UTF_8);
      byte[] hash = ChainHash.next(prev, seq, 1000 + seq, USER, DEVICE, "application", payload);
      out.add(new Message(CHANNEL, seq, 1000 + seq, hash, USER, DEVICE, "c" + seq, "application", payload, 0, false));
      prev = hash;
    }
    return out;
  }

  @Test
  @DisplayName("the client's hash matches the server's vector (same documented layout)")
  void sameVectorAsServer() {
    byte[] h1 = ChainHash.next(ChainHash.genesis(), 1, 123456789L, USER, DEVICE, "application",
        "hello".getBytes(StandardCharsets.UTF_8));
    assertThat(HexFormat.of().formatHex(h1)).isEqualTo("5f40697a13e3da05e6d68a25588f450ab395b5408501411393fb79f745bac5df");
  }

  @Test
  @DisplayName("out-of-order messages wait for the gap, duplicates are dropped, delivery is in seq order")
  void ordersAndDedups() {
    List<Message> m = chain(4);
    ChannelLog log = new ChannelLog(CHANNEL, 0, ChainHash.genesis());
    assertThat(log.offer(m.get(0))).containsExactly(m.get(0));
    assertThat(log.offer(m.get(2))).isEmpty();
    assertThat(log.firstWaiting()).isEqualTo(3);
    assertThat(log.offer(m.get(0))).isEmpty();
    assertThat(log.offer(m.get(1))).containsExactly(m.get(1), m.get(2));
    assertThat(log.offer(m.get(3))).containsExactly(m.get(3));
    assertThat(log.lastSeq()).isEqualTo(4);
  }

  @Test
  @DisplayName("a message whose hash does not chain is a ChainViolation")
  void detectsTampering() {
    List<Message> m = chain(2);
    Message forged = new Message(CHANNEL, 2, m.get(1).msgId(), m.get(1).hash(), USER, DEVICE, "c2", "application",
        "forged".getBytes(StandardCharsets.UTF_8), 0, false);
    ChannelLog log = new ChannelLog(CHANNEL, 0, ChainHash.genesis());
    log.offer(m.get(0));
    assertThatThrownBy(() -> log.offer(forged)).isInstanceOf(ChainViolation.class);
  }

  @Test
  @DisplayName("a second message under a seq already accepted (a fork) is a ChainViolation, not a silent duplicate")
  void detectsFork() {
    List<Message> m = chain(3);
    ChannelLog log = new ChannelLog(CHANNEL, 0, ChainHash.genesis());
    log.offer(m.get(0));
    log.offer(m.get(1));
    byte[] otherHash = ChainHash.next(m.get(0).hash(), 2, 99, USER, DEVICE, "application",
        "other".getBytes(StandardCharsets.UTF_8));
    Message other = new Message(CHANNEL, 2, 99, otherHash, USER, DEVICE, "x", "application",
        "other".getBytes(StandardCharsets.UTF_8), 0, false);
    assertThatThrownBy(() -> log.offer(other)).isInstanceOf(ChainViolation.class).hasMessageContaining("fork");
    assertThat(log.offer(m.get(1))).as("the same message again is still a plain duplicate").isEmpty();
  }

  @Test
  @DisplayName("a fork is also caught while the message waits behind a gap, and at the seq the log was resumed from")
  void detectsForkWhileWaitingAndAtResumePoint() {
    List<Message> m = chain(3);
    ChannelLog log = new ChannelLog(CHANNEL, 1, m.get(0).hash());
    log.offer(m.get(2));
    Message forked = new Message(CHANNEL, 3, 7, ChainHash.genesis(), USER, DEVICE, "y", "application",
        new byte[] {1}, 0, false);
    assertThatThrownBy(() -> log.offer(forked)).isInstanceOf(ChainViolation.class).hasMessageContaining("fork");
    Message atResume = new Message(CHANNEL, 1, 8, ChainHash.genesis(), USER, DEVICE, "z", "application",
        new byte[] {2}, 0, false);
    assertThatThrownBy(() -> log.offer(atResume)).isInstanceOf(ChainViolation.class).hasMessageContaining("fork");
  }
}
