package dev.parley.gateway;

import dev.parley.shared.ErrorCode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OriginPolicyTest {
  private final OriginPolicy policy = new OriginPolicy(List.of("https://chat.example.com", "http://localhost:8080"),
      true);

  @Test
  @DisplayName("listed origins open sockets (exact scheme, host and port; case-insensitive)")
  void listedOrigins() {
    assertThat(policy.check("https://chat.example.com")).isNull();
    assertThat(policy.check("HTTPS://Chat.Example.com")).isNull();
    assertThat(policy.check("http://localhost:8080")).isNull();
  }

  @Test
  @DisplayName("any other origin is refused with origin_not_allowed (403): other site, scheme, port, null, suffix")
  void otherOriginsRefused() {
    for (String origin : List.of("https://evil.example", "http://chat.example.com", "https://chat.example.com:444",
        "https://chat.example.com.evil.example", "null", "", "https://chat.example.com/")) {
      assertThat(policy.check(origin)).as(origin).isNotNull()
          .satisfies(r -> assertThat(r.code()).isEqualTo(ErrorCode.ORIGIN_NOT_ALLOWED));
    }
    assertThat(ErrorCode.ORIGIN_NOT_ALLOWED.httpStatus()).isEqualTo(403);
  }

  @Test
  @DisplayName("no Origin header (native apps) is let through only when edge.allowMissingOrigin is true")
  void missingOrigin() {
    assertThat(policy.check(null)).isNull();
    assertThat(new OriginPolicy(List.of("https://chat.example.com"), false).check(null)).isNotNull();
  }
}
