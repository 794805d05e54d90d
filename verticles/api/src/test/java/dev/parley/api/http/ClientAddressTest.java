package dev.parley.api.http;

import dev.parley.shared.net.IpBlock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClientAddressTest {
  private final ClientAddress behindProxies = new ClientAddress(List.of("10.0.0.0/8", "192.168.1.7", "fd00::/8"));

  @Test
  @DisplayName("without trusted proxies X-Forwarded-For is ignored: the TCP peer is the client")
  void noTrustedProxies() {
    ClientAddress none = new ClientAddress(List.of());
    assertThat(none.resolve("10.1.2.3", List.of("203.0.113.9"))).isEqualTo("10.1.2.3");
  }

  @Test
  @DisplayName("a peer that is not a trusted proxy is the client whatever it forwards")
  void untrustedPeer() {
    assertThat(behindProxies.resolve("198.51.100.4", List.of("203.0.113.9"))).isEqualTo("198.51.100.4");
  }

  @Test
  @DisplayName("behind trusted proxies the right-most untrusted address wins; spoofed entries to its left never do")
  void rightMostUntrusted() {
    assertThat(behindProxies.resolve("10.0.0.5", List.of("203.0.113.9"))).isEqualTo("203.0.113.9");
    assertThat(behindProxies.resolve("10.0.0.5", List.of("1.1.1.1, 203.0.113.9, 192.168.1.7")))
        .isEqualTo("203.0.113.9");
    // Several header lines are one list, in order.
    assertThat(behindProxies.resolve("10.0.0.5", List.of("1.1.1.1", "203.0.113.9", "10.9.9.9")))
        .isEqualTo("203.0.113.9");
    assertThat(behindProxies.resolve("fd00::1", List.of("2001:db8::7"))).isEqualTo("2001:db8:0:0:0:0:0:7");
  }

  @Test
  @DisplayName("a malformed entry stops the walk at the last trusted hop; no header means the proxy itself")
  void malformedOrMissing() {
    assertThat(behindProxies.resolve("10.0.0.5", List.of("203.0.113.9, evil.example, 10.0.0.6")))
        .isEqualTo("10.0.0.6");
    assertThat(behindProxies.resolve("10.0.0.5", List.of())).isEqualTo("10.0.0.5");
    assertThat(behindProxies.resolve("10.0.0.5", List.of("10.0.0.9"))).isEqualTo("10.0.0.9");
  }

  @Test
  @DisplayName("IP blocks parse literals only (never a host name) and match by prefix")
  void ipBlocks() {
    assertThat(IpBlock.isValid("localhost")).isFalse();
    assertThat(IpBlock.isValid("10.0.0.0/33")).isFalse();
    assertThat(IpBlock.isValid("256.1.1.1")).isFalse();
    assertThat(IpBlock.isValid("::1")).isTrue();
    IpBlock block = IpBlock.parse("10.32.0.0/11").orElseThrow();
    assertThat(block.contains(IpBlock.literal("10.63.255.255").orElseThrow())).isTrue();
    assertThat(block.contains(IpBlock.literal("10.64.0.0").orElseThrow())).isFalse();
    assertThat(block.contains(IpBlock.literal("::1").orElseThrow())).isFalse();
  }
}
