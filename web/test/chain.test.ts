import { describe, expect, it } from 'vitest';
import { toBase64, toHex, utf8 } from '../src/proto/b64';
import { chainHash, ChainViolation, ChannelChain, Envelope, GENESIS } from '../src/proto/chain';

// The vectors of protocol/src/test/java/dev/parley/protocol/ChainHashTest.java (computed independently in Python).
const USER = '11111111-2222-3333-4444-555555555555';
const DEVICE = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

async function envelope(prev: Uint8Array, seq: number, msgId: string, kind: string, text: string): Promise<Envelope & { h: Uint8Array }> {
  const m = { seq, msgId, sender: USER, senderDevice: DEVICE, kind, payload: utf8.encode(text) };
  const h = await chainHash(prev, m);
  return { ...m, hash: toBase64(h), h };
}

async function chainOf(n: number): Promise<Envelope[]> {
  const out: Envelope[] = [];
  let prev: Uint8Array = GENESIS;
  for (let seq = 1; seq <= n; seq++) {
    const e = await envelope(prev, seq, String(1000 + seq), 'application', `m${seq}`);
    out.push(e);
    prev = e.h;
  }
  return out;
}

describe('chainHash', () => {
  it('matches the Java library vectors (ChainHashTest)', async () => {
    const h1 = await chainHash(GENESIS, { seq: 1, msgId: '123456789', sender: USER, senderDevice: DEVICE, kind: 'application', payload: utf8.encode('hello') });
    const h2 = await chainHash(h1, { seq: 2, msgId: '123456790', sender: USER, senderDevice: DEVICE, kind: 'commit', payload: new Uint8Array() });
    expect(toHex(h1)).toBe('5f40697a13e3da05e6d68a25588f450ab395b5408501411393fb79f745bac5df');
    expect(toHex(h2)).toBe('fba269dad19892246c151faa303504f3e6796a722e7f228bbe1793542b692266');
  });

  it('binds msgIds above 2^53 exactly (decimal strings, not JS numbers)', async () => {
    const base = { seq: 1, sender: USER, senderDevice: DEVICE, kind: 'application', payload: new Uint8Array() };
    const a = await chainHash(GENESIS, { ...base, msgId: '9007199254740993' });
    const b = await chainHash(GENESIS, { ...base, msgId: '9007199254740992' });
    expect(toHex(a)).not.toBe(toHex(b));
  });

  it('refuses a non-canonical UUID', async () => {
    await expect(chainHash(GENESIS, { seq: 1, msgId: '1', sender: DEVICE.toUpperCase(), senderDevice: DEVICE, kind: 'a', payload: new Uint8Array() }))
      .rejects.toThrow(/canonical UUID/);
  });
});

describe('ChannelChain', () => {
  it('delivers in order, holds messages behind a gap until it is filled, drops duplicates', async () => {
    const ms = await chainOf(5);
    const c = new ChannelChain();
    expect((await c.offer(ms[0])).map((m) => m.seq)).toEqual([1]);
    expect(await c.offer(ms[2])).toEqual([]);
    expect(c.gapFrom).toBe(2);
    expect((await c.offer(ms[1])).map((m) => m.seq)).toEqual([2, 3]);
    expect(await c.offer(ms[1])).toEqual([]);
    expect(c.gapFrom).toBe(0);
    expect(c.highSeq).toBe(3);
  });

  it('refuses an altered payload, a fork and a dropped message hidden by renumbering', async () => {
    const ms = await chainOf(4);
    const c = new ChannelChain();
    await c.offer(ms[0], ms[1]);
    await expect(c.offer({ ...ms[2], payload: utf8.encode('changed') })).rejects.toBeInstanceOf(ChainViolation);

    const d = new ChannelChain();
    await d.offer(ms[0], ms[1]);
    await expect(d.offer({ ...ms[1], hash: ms[3].hash })).rejects.toThrow(/fork/);

    const e = new ChannelChain();
    await e.offer(ms[0]);
    await expect(e.offer({ ...ms[2], seq: 2 })).rejects.toBeInstanceOf(ChainViolation);
  });

  it('anchors on the newest page, then verifies older pages backwards down to the genesis hash', async () => {
    const ms = await chainOf(10);
    const c = new ChannelChain();
    expect((await c.offer(...ms.slice(6))).map((m) => m.seq)).toEqual([7, 8, 9, 10]);
    // seq 4's hash is bound by seq 5, its payload only by hash(3): it is held back until that page comes.
    expect((await c.extendBack(ms.slice(3, 6))).map((m) => m.seq)).toEqual([5, 6]);
    expect(c.lowSeq).toBe(4);
    await expect(c.extendBack([ms[0], ms[1], { ...ms[2], payload: utf8.encode('x') }])).rejects.toBeInstanceOf(ChainViolation);
    await expect(c.extendBack(ms.slice(0, 2))).rejects.toThrow(/ends at 2, expected 3/);
    expect((await c.extendBack(ms.slice(0, 3))).map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(c.lowSeq).toBe(1);
  });

  it('checks seq 1 against the genesis hash even as the first message seen', async () => {
    const ms = await chainOf(1);
    const bad = { ...ms[0], hash: toBase64(new Uint8Array(32)) };
    await expect(new ChannelChain().offer(bad)).rejects.toBeInstanceOf(ChainViolation);
  });
});
