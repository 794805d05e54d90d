import { describe, expect, it } from 'vitest';
import { decodeMlsMessage } from 'ts-mls';
import { fromBase64 } from '../src/proto/b64';
import { MlsDevice } from '../src/mls/device';
import { MemoryKv } from '../src/mls/kv';

const DEVICE = '0b9f3c2e-5a61-4d1e-9c4b-2f7d8e6a1b30';

class FakeDirectory {
  keys: string[] = [];
  uploads: { oneTime: string[]; lastResort?: string }[] = [];
  async registerSignatureKey(k: string) { this.keys.push(k); return {}; }
  async uploadKeyPackages(oneTime: string[], lastResort?: string) {
    this.uploads.push({ oneTime, lastResort });
    return { oneTimeStock: oneTime.length, lastResort: true };
  }
}

describe('MlsDevice', () => {
  it('registers one signature key, uploads KeyPackages naming the device, and keeps their private halves', async () => {
    const kv = new MemoryKv();
    const dir = new FakeDirectory();
    const d = await MlsDevice.load(kv, DEVICE);
    expect(await d.publish(dir, 3)).toBe(3);
    expect(dir.keys).toEqual([d.record.signPublic]);
    expect(fromBase64(d.record.signPublic)).toHaveLength(32);
    const [{ oneTime, lastResort }] = dir.uploads;
    expect(oneTime).toHaveLength(3);
    expect(lastResort).toBeDefined();
    const decoded = decodeMlsMessage(fromBase64(oneTime[0]), 0);
    expect(decoded).toBeDefined();
    const [msg] = decoded!;
    expect(msg.wireformat).toBe('mls_key_package');
    if (msg.wireformat === 'mls_key_package') {
      expect(msg.keyPackage.cipherSuite).toBe('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519');
      const cred = msg.keyPackage.leafNode.credential;
      expect(cred.credentialType === 'basic' && new TextDecoder().decode(cred.identity)).toBe(DEVICE);
      const life = msg.keyPackage.leafNode.lifetime;
      expect(Number(life.notAfter - life.notBefore)).toBeLessThanOrEqual(90 * 86400);
    }
    expect(d.privateFor(oneTime[0])?.initPrivateKey).toHaveLength(32);
  });

  it('persists the identity: a reload (new load from the same store) neither re-registers nor re-uploads', async () => {
    const kv = new MemoryKv();
    const dir = new FakeDirectory();
    const first = await MlsDevice.load(kv, DEVICE);
    await first.publish(dir, 2);
    const again = await MlsDevice.load(kv, DEVICE);
    expect(again.record.signPublic).toBe(first.record.signPublic);
    await again.publish(dir, 2);
    expect(dir.keys).toHaveLength(1);
    expect(dir.uploads).toHaveLength(1);
    expect(Object.keys(again.record.held)).toHaveLength(3);
    // A low-stock notice tops up to the target, without another last-resort package.
    await again.publish(dir, 5, 1);
    expect(dir.uploads[1].oneTime).toHaveLength(4);
    expect(dir.uploads[1].lastResort).toBeUndefined();
  });
});
