package dev.parley.mls;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("DeviceKeyLog: a user's device-key changes as a hash chain clients verify")
class DeviceKeyLogTest {

  private final UUID phone = UUID.randomUUID();
  private final UUID laptop = UUID.randomUUID();
  private final byte[] phoneKey = DeviceIdentity.generate(phone).signaturePublicKey();
  private final byte[] laptopKey = DeviceIdentity.generate(laptop).signaturePublicKey();

  private List<DeviceKeyLog.Entry> log() {
    List<DeviceKeyLog.Entry> entries = new ArrayList<>();
    byte[] prev = DeviceKeyLog.GENESIS;
    Object[][] steps = {{phone, DeviceKeyLog.Action.ADDED, phoneKey}, {laptop, DeviceKeyLog.Action.ADDED, laptopKey},
        {phone, DeviceKeyLog.Action.REMOVED, phoneKey}};
    for (int i = 0; i < steps.length; i++) {
      byte[] hash = DeviceKeyLog.hash(prev, i + 1, (UUID) steps[i][0], (DeviceKeyLog.Action) steps[i][1],
          (byte[]) steps[i][2]);
      entries.add(new DeviceKeyLog.Entry(i + 1, (UUID) steps[i][0], (DeviceKeyLog.Action) steps[i][1],
          (byte[]) steps[i][2], hash));
      prev = hash;
    }
    return entries;
  }

  @Test
  @DisplayName("an honest log verifies, from the start or from a hash the client already holds")
  void honest() {
    List<DeviceKeyLog.Entry> log = log();
    assertThatCode(() -> DeviceKeyLog.verify(DeviceKeyLog.GENESIS, log)).doesNotThrowAnyException();
    assertThatCode(() -> DeviceKeyLog.verify(log.get(0).hash(), log.subList(1, 3))).doesNotThrowAnyException();
  }

  @Test
  @DisplayName("a dropped entry, a swapped key or a rewritten action breaks the chain")
  void tampered() {
    List<DeviceKeyLog.Entry> log = log();
    assertThatThrownBy(() -> DeviceKeyLog.verify(DeviceKeyLog.GENESIS, List.of(log.get(0), log.get(2))))
        .isInstanceOf(MlsException.class);
    DeviceKeyLog.Entry swapped = new DeviceKeyLog.Entry(2, laptop, DeviceKeyLog.Action.ADDED, phoneKey,
        log.get(1).hash());
    assertThatThrownBy(() -> DeviceKeyLog.verify(DeviceKeyLog.GENESIS, List.of(log.get(0), swapped, log.get(2))))
        .isInstanceOf(MlsException.class);
    DeviceKeyLog.Entry rewritten = new DeviceKeyLog.Entry(3, phone, DeviceKeyLog.Action.ADDED, phoneKey,
        log.get(2).hash());
    assertThatThrownBy(() -> DeviceKeyLog.verify(log.get(1).hash(), List.of(rewritten)))
        .isInstanceOf(MlsException.class);
    assertThatThrownBy(() -> DeviceKeyLog.verify(DeviceKeyLog.GENESIS, log.subList(1, 3)))
        .isInstanceOf(MlsException.class);
  }
}
