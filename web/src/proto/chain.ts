import { toBase64 } from './b64';

// The per-channel hash chain (docs/protocol.md, "Hash chain"); the same layout as dev.parley.protocol.ChainHash:
// SHA-256(prev 32 | seq i64 BE | msgId i64 BE | sender uuid 16 | device uuid 16 | len(kind) u8 | kind | SHA-256(payload)).

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function uuidBytes(id: string): Uint8Array {
  if (!UUID_RE.test(id)) {
    throw new Error(`not a canonical UUID: ${id}`);
  }
  const hex = id.replace(/-/g, '');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  }
  return out;
}

export const GENESIS = new Uint8Array(32);

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data as BufferSource));
}

export interface Chained {
  seq: number;
  msgId: string; // decimal string: 64-bit ids lose precision as JS numbers
  sender: string;
  senderDevice: string;
  kind: string;
  payload: Uint8Array;
}

export async function chainHash(prev: Uint8Array, m: Chained): Promise<Uint8Array> {
  const kind = new TextEncoder().encode(m.kind);
  if (prev.length !== 32 || kind.length > 255) {
    throw new Error('bad chain input');
  }
  const buf = new Uint8Array(32 + 8 + 8 + 16 + 16 + 1 + kind.length + 32);
  const view = new DataView(buf.buffer);
  let o = 0;
  buf.set(prev, o); o += 32;
  view.setBigInt64(o, BigInt(m.seq)); o += 8;
  view.setBigInt64(o, BigInt.asIntN(64, BigInt(m.msgId))); o += 8;
  buf.set(uuidBytes(m.sender), o); o += 16;
  buf.set(uuidBytes(m.senderDevice), o); o += 16;
  buf[o++] = kind.length;
  buf.set(kind, o); o += kind.length;
  buf.set(await sha256(m.payload), o);
  return sha256(buf);
}

export class ChainViolation extends Error {}

export type Envelope = Chained & { hash: string }; // hash: padded base64 of 32 bytes

async function check(prevHash: string | null, m: Envelope): Promise<void> {
  const prev = prevHash === null ? GENESIS : fromB64(prevHash);
  if (toBase64(await chainHash(prev, m)) !== m.hash) {
    throw new ChainViolation(`seq ${m.seq}: hash does not chain onto seq ${m.seq - 1}`);
  }
}

/**
 * One channel as this device verified it (the Java client's ChannelLog, extended backwards for history paging):
 * a contiguous window of seqs [low, high] whose every hash was checked. The first message or page seen anchors it
 * (trust on first use, or the genesis hash at seq 1); live messages extend it forwards (those behind a gap wait
 * until history fills it); older history pages extend it backwards, each page's last hash checked against the
 * oldest verified message. A message at a verified seq with a different hash is a fork: a ChainViolation.
 */
export class ChannelChain {
  private low: Envelope | null = null;
  /** The oldest message's hash is bound by its successor, but its payload waits for its predecessor's hash. */
  private lowPending = false;
  private high: Envelope | null = null;
  private readonly accepted = new Map<number, string>();
  private readonly waiting = new Map<number, Envelope>();

  get highSeq(): number {
    return this.high?.seq ?? 0;
  }

  get lowSeq(): number {
    return this.low?.seq ?? 0;
  }

  /** The first seq missing before a waiting message, or 0 when nothing waits. */
  get gapFrom(): number {
    return this.waiting.size === 0 ? 0 : this.highSeq + 1;
  }

  /** Offers newer messages (live or a page after highSeq); returns those that became deliverable, in order. */
  async offer<T extends Envelope>(...ms: T[]): Promise<T[]> {
    const ready: T[] = [];
    for (const m of ms) {
      const known = this.accepted.get(m.seq);
      if (known !== undefined || (this.low !== null && m.seq < this.low.seq)) {
        if (known !== undefined && known !== m.hash) {
          throw new ChainViolation(`seq ${m.seq}: two different messages (fork)`);
        }
        continue;
      }
      const queued = this.waiting.get(m.seq);
      if (queued && queued.hash !== m.hash) {
        throw new ChainViolation(`seq ${m.seq}: two different messages (fork)`);
      }
      this.waiting.set(m.seq, m);
    }
    if (this.high === null && this.waiting.size > 0) {
      const first = this.waiting.get(Math.min(...this.waiting.keys()))!;
      if (first.seq === 1) {
        await check(null, first);
      }
      this.waiting.delete(first.seq);
      this.accept(first);
      this.low = first;
      ready.push(first as T);
    }
    while (this.high !== null && this.waiting.has(this.high.seq + 1)) {
      const next = this.waiting.get(this.high.seq + 1)!;
      this.waiting.delete(next.seq);
      await check(this.high.hash, next);
      this.accept(next);
      ready.push(next as T);
    }
    return ready;
  }

  /**
   * Verifies an older page (ascending, ending right before lowSeq) and extends the window back over it. Returns
   * the messages whose content is now proven: the page's oldest message is held back (its payload is bound only
   * by its predecessor's hash) until the next older page arrives, unless it is seq 1 (checked against genesis).
   */
  async extendBack<T extends Envelope>(page: T[]): Promise<T[]> {
    const older = page.filter((m) => this.low === null || m.seq < this.low.seq);
    if (older.length === 0) {
      return [];
    }
    if (this.low === null) {
      return this.offer(...older);
    }
    for (let i = 1; i < older.length; i++) {
      if (older[i].seq !== older[i - 1].seq + 1) {
        throw new ChainViolation(`history page skips seq ${older[i - 1].seq + 1}`);
      }
      await check(older[i - 1].hash, older[i]);
    }
    const last = older[older.length - 1];
    if (last.seq !== this.low.seq - 1) {
      throw new ChainViolation(`history page ends at ${last.seq}, expected ${this.low.seq - 1}`);
    }
    await check(last.hash, this.low);
    const proven: Envelope[] = older.slice(1);
    if (this.lowPending) proven.push(this.low);
    this.lowPending = older[0].seq !== 1;
    if (!this.lowPending) {
      await check(null, older[0]);
      proven.unshift(older[0]);
    }
    for (const m of older) {
      this.accepted.set(m.seq, m.hash);
    }
    this.low = older[0];
    return proven as T[];
  }

  private accept(m: Envelope): void {
    this.high = m;
    this.accepted.set(m.seq, m.hash);
    if (this.accepted.size > 8192) {
      this.accepted.delete(this.accepted.keys().next().value!);
    }
  }
}

function fromB64(s: string): Uint8Array {
  const bin = atob(s);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}
