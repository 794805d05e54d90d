package dev.parley.mls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SafetyNumbers: what two users compare to check each other's device keys")
class SafetyNumbersTest {

  private final UUID alice = UUID.randomUUID();
  private final UUID bob = UUID.randomUUID();
  private final byte[] phone = DeviceIdentity.generate(UUID.randomUUID()).signaturePublicKey();
  private final byte[] laptop = DeviceIdentity.generate(UUID.randomUUID()).signaturePublicKey();

  @Test
  @DisplayName("the same on both sides, whatever the device order")
  void symmetric() {
    String aliceHalf = SafetyNumbers.forUser(alice, List.of(phone, laptop));
    assertThat(SafetyNumbers.forUser(alice, List.of(laptop, phone))).isEqualTo(aliceHalf).hasSize(30).containsOnlyDigits();
    String bobHalf = SafetyNumbers.forUser(bob, List.of(DeviceIdentity.generate(bob).signaturePublicKey()));
    String number = SafetyNumbers.forPair(aliceHalf, bobHalf);
    assertThat(SafetyNumbers.forPair(bobHalf, aliceHalf)).isEqualTo(number);
    assertThat(number).matches("(\\d{5} ){11}\\d{5}");
  }

  @Test
  @DisplayName("changes when a device is added, removed or re-keyed, or the user differs")
  void changes() {
    String base = SafetyNumbers.forUser(alice, List.of(phone, laptop));
    assertThat(SafetyNumbers.forUser(alice, List.of(phone))).isNotEqualTo(base);
    assertThat(SafetyNumbers.forUser(alice, List.of(phone, laptop,
        DeviceIdentity.generate(UUID.randomUUID()).signaturePublicKey()))).isNotEqualTo(base);
    assertThat(SafetyNumbers.forUser(alice, List.of(phone,
        DeviceIdentity.generate(UUID.randomUUID()).signaturePublicKey()))).isNotEqualTo(base);
    assertThat(SafetyNumbers.forUser(bob, List.of(phone, laptop))).isNotEqualTo(base);
  }
}
