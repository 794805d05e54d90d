package dev.parley.api.accounts;

import dev.parley.shared.Refusal;
import dev.parley.shared.ErrorCode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CredentialRulesTest {
  @Test
  @DisplayName("usernames: 3-32 ASCII, starting with a letter, no reserved names")
  void usernames() {
    assertThat(CredentialRules.username("alice_01")).isEqualTo("alice_01");
    assertThat(CredentialRules.username("Bob.Smith")).isEqualTo("Bob.Smith");
    for (String bad : new String[] {"al", "1alice", "alice.", "al..ice", "ålice", "a".repeat(33), "Admin", "ali ce"}) {
      assertThatThrownBy(() -> CredentialRules.username(bad)).as(bad).isInstanceOf(Refusal.class)
          .extracting(e -> ((Refusal) e).code()).isEqualTo(ErrorCode.INVALID_USERNAME);
    }
  }

  @Test
  @DisplayName("passwords: 10-128 characters, not common, not containing the username, not one repeated character")
  void passwords() {
    CredentialRules.password("a long passphrase", "alice");
    CredentialRules.password("ünïcödé-pässwörd", "alice");
    for (String bad : new String[] {"short1!", "x".repeat(129), "password123", "aaaaaaaaaaaa", "xxalice-is-me", "ababababab"}) {
      assertThatThrownBy(() -> CredentialRules.password(bad, "alice")).as(bad).isInstanceOf(Refusal.class)
          .extracting(e -> ((Refusal) e).field()).isEqualTo("password");
    }
  }

  @Test
  @DisplayName("names are trimmed, 1-64 characters, without control characters")
  void names() {
    assertThat(CredentialRules.name("displayName", "  Alice  ")).isEqualTo("Alice");
    assertThatThrownBy(() -> CredentialRules.name("displayName", "   ")).isInstanceOf(Refusal.class);
    assertThatThrownBy(() -> CredentialRules.name("displayName", "a\u0000b")).isInstanceOf(Refusal.class);
    assertThatThrownBy(() -> CredentialRules.name("name", "x".repeat(65)))
        .extracting(e -> ((Refusal) e).field()).isEqualTo("name");
  }
}
