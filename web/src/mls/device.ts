import {
  CiphersuiteImpl, defaultCapabilities, encodeMlsMessage, generateKeyPackageWithKey, getCiphersuiteFromName,
  getCiphersuiteImpl, PrivateKeyPackage,
} from 'ts-mls';
import { fromBase64, toBase64 } from '../proto/b64';
import { Kv } from './kv';

// This browser device's MLS identity (docs/e2ee.md "The model"): an Ed25519 signature key registered once with the
// key directory (PUT /v1/keys/signature-key), and KeyPackages whose BasicCredential names the device id, uploaded
// so others can add the device to groups. The private halves stay in the Kv (IndexedDB), so a reload keeps them:
// a Welcome that arrives later can still be opened. Suite 0x0001 only.

export const SUITE = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519' as const;
const LIFETIME_DAYS = 60; // the directory accepts at most 90
const SKEW_S = 300;       // not_before a little in the past: the server allows ±10 min of clock skew

export interface DeviceRecord {
  deviceId: string;
  signPublic: string; // base64
  signPrivate: string;
  registered: boolean;
  lastResortUploaded: boolean;
  /** KeyPackages still held: base64 public package (MLSMessage) -> private halves. */
  held: Record<string, { initPrivateKey: string; hpkePrivateKey: string; lastResort: boolean }>;
}

export interface KeyDirectoryApi {
  registerSignatureKey(signatureKey: string): Promise<unknown>;
  uploadKeyPackages(oneTime: string[], lastResort?: string): Promise<{ oneTimeStock: number; lastResort: boolean }>;
}

let suite: Promise<CiphersuiteImpl> | null = null;
export function cipherSuite(): Promise<CiphersuiteImpl> {
  suite ??= getCiphersuiteImpl(getCiphersuiteFromName(SUITE));
  return suite;
}

export class MlsDevice {
  private constructor(private readonly kv: Kv, readonly record: DeviceRecord) {}

  static key(deviceId: string): string { return `device/${deviceId}`; }

  /** Loads this device's identity, or makes a new signature key pair for it. */
  static async load(kv: Kv, deviceId: string): Promise<MlsDevice> {
    const saved = await kv.get<DeviceRecord>(MlsDevice.key(deviceId));
    if (saved) return new MlsDevice(kv, saved);
    const cs = await cipherSuite();
    const pair = await cs.signature.keygen();
    const record: DeviceRecord = { deviceId, signPublic: toBase64(pair.publicKey), signPrivate: toBase64(pair.signKey),
      registered: false, lastResortUploaded: false, held: {} };
    await kv.put(MlsDevice.key(deviceId), record);
    return new MlsDevice(kv, record);
  }

  private async save(): Promise<void> {
    await this.kv.put(MlsDevice.key(this.record.deviceId), this.record);
  }

  /** One KeyPackage (MLSMessage, base64) naming this device; its private halves are kept before it leaves. */
  async newKeyPackage(lastResort: boolean, now = Date.now()): Promise<string> {
    const cs = await cipherSuite();
    const notBefore = BigInt(Math.floor(now / 1000) - SKEW_S);
    const { publicPackage, privatePackage } = await generateKeyPackageWithKey(
      { credentialType: 'basic', identity: new TextEncoder().encode(this.record.deviceId) },
      defaultCapabilities(), { notBefore, notAfter: notBefore + BigInt(LIFETIME_DAYS * 86400) }, [],
      { signKey: fromBase64(this.record.signPrivate), publicKey: fromBase64(this.record.signPublic) }, cs);
    const wire = toBase64(encodeMlsMessage({ version: 'mls10', wireformat: 'mls_key_package', keyPackage: publicPackage }));
    this.record.held[wire] = { initPrivateKey: toBase64(privatePackage.initPrivateKey),
      hpkePrivateKey: toBase64(privatePackage.hpkePrivateKey), lastResort };
    return wire;
  }

  /** The private halves of a KeyPackage this device made (to open a Welcome addressed to it). */
  privateFor(keyPackage: string): PrivateKeyPackage | undefined {
    const h = this.record.held[keyPackage];
    return h && { initPrivateKey: fromBase64(h.initPrivateKey), hpkePrivateKey: fromBase64(h.hpkePrivateKey),
      signaturePrivateKey: fromBase64(this.record.signPrivate) };
  }

  /**
   * Registers the signature key (once) and tops the one-time stock up to `target`, with a last-resort package the
   * first time. Safe to repeat at every connect: the directory ignores a re-registration of the same key.
   */
  async publish(dir: KeyDirectoryApi, target = 20, stock?: number): Promise<number> {
    if (!this.record.registered) {
      await dir.registerSignatureKey(this.record.signPublic);
      this.record.registered = true;
      await this.save();
    }
    const missing = stock === undefined ? (this.record.lastResortUploaded ? 0 : target) : Math.max(0, target - stock);
    if (missing === 0 && this.record.lastResortUploaded) return stock ?? target;
    const oneTime: string[] = [];
    for (let i = 0; i < missing; i++) oneTime.push(await this.newKeyPackage(false));
    const lastResort = this.record.lastResortUploaded ? undefined : await this.newKeyPackage(true);
    await this.save(); // private halves are on disk before the public ones leave
    const answer = await dir.uploadKeyPackages(oneTime, lastResort);
    this.record.lastResortUploaded = true;
    await this.save();
    return answer.oneTimeStock;
  }
}
