import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Connection, ConnState } from '../src/conn';
import { Api } from '../src/api';

const U = '3f1d2a9e-8c47-4b6e-a0d5-91e2c7b4f863';
const CH = '0b9f3c2e-5a61-4d1e-9c4b-2f7d8e6a1b30';
const HASH = btoa(String.fromCharCode(...new Uint8Array(32)));

class FakeSocket {
  static OPEN = 1;
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  constructor(readonly url: string) { FakeSocket.all.push(this); }
  send(t: string) { this.sent.push(t); }
  close(code = 1000) { this.readyState = 3; this.onclose?.({ code }); }
  open(nodeId: string) {
    this.readyState = 1;
    this.onopen?.();
    this.server({ type: 'ready', userId: U, deviceId: U, sessionId: 's', nodeId, maxPayloadBytes: 65536, heartbeatIntervalMs: 30000 });
  }
  server(f: unknown) { this.onmessage?.({ data: JSON.stringify(f) }); }
  sends() { return this.sent.map((s) => JSON.parse(s)).filter((f) => f.type === 'send'); }
}

function fakeApi(asked: (string | undefined)[]) {
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const token = `h.${btoa(JSON.stringify({ exp }))}.s`;
  return {
    session: { userId: U, deviceId: U, username: 'u', accessToken: token, refreshToken: 'r' },
    gateway: async (prev?: string) => { asked.push(prev); return { url: `ws://gw/${asked.length}`, nodeId: `gw-${asked.length}`, region: 'x', staleView: false }; },
    refresh: async () => undefined,
  } as unknown as Api;
}

describe('Connection', () => {
  beforeEach(() => { vi.useFakeTimers(); FakeSocket.all = []; (globalThis as unknown as { WebSocket: unknown }).WebSocket = FakeSocket; });
  afterEach(() => { vi.useRealTimers(); });

  it('reconnects through discovery naming the node it was on, and resends an unacknowledged send with its clientMsgId', async () => {
    const asked: (string | undefined)[] = [];
    const states: ConnState[] = [];
    const conn = new Connection(fakeApi(asked), { state: (s) => states.push(s), frame: () => undefined, ready: () => undefined });
    conn.start();
    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(1));
    FakeSocket.all[0].open('gw-1');
    const acked = conn.send(CH, 'c-1', 'aGk=');
    expect(FakeSocket.all[0].sends()).toEqual([{ type: 'send', channelId: CH, clientMsgId: 'c-1', kind: 'application', payload: 'aGk=' }]);

    FakeSocket.all[0].close(1006);
    expect(states).toContain('offline');
    await vi.advanceTimersByTimeAsync(1000); // first backoff step is at most 500 ms
    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(2));
    expect(asked).toEqual([undefined, 'gw-1']);
    FakeSocket.all[1].open('gw-2');
    expect(FakeSocket.all[1].sends().map((f) => f.clientMsgId)).toEqual(['c-1']);
    FakeSocket.all[1].server({ type: 'ack', clientMsgId: 'c-1', channelId: CH, seq: 7, msgId: '99', hash: HASH, ts: 1 });
    await expect(acked).resolves.toMatchObject({ seq: 7 });
    expect(states.at(-1)).toBe('online');
    conn.stop();
  });

  it('retries a rate-limited send after retryAfterMs and rejects a refused one with a readable reason', async () => {
    const conn = new Connection(fakeApi([]), { state: () => undefined, frame: () => undefined, ready: () => undefined });
    conn.start();
    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(1));
    const ws = FakeSocket.all[0];
    ws.open('gw-1');
    conn.send(CH, 'c-1', 'aGk=').catch(() => undefined);
    ws.server({ type: 'error', code: 'rate_limited', message: 'slow down', clientMsgId: 'c-1', retryAfterMs: 200 });
    await vi.advanceTimersByTimeAsync(250);
    expect(ws.sends().map((f) => f.clientMsgId)).toEqual(['c-1', 'c-1']);
    const refused = conn.send(CH, 'c-2', 'aGk=');
    ws.server({ type: 'error', code: 'not_a_member', message: 'no', clientMsgId: 'c-2' });
    await expect(refused).rejects.toThrow('you are not a member of this chat any more');
    conn.stop();
  });

  it('hands a refreshed access token to the socket before the old one expires (auth frame)', async () => {
    const api = fakeApi([]);
    let refreshed = 0;
    (api as unknown as { refresh: () => Promise<void> }).refresh = async () => { refreshed++; };
    const conn = new Connection(api, { state: () => undefined, frame: () => undefined, ready: () => undefined });
    conn.start();
    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(1));
    FakeSocket.all[0].open('gw-1');
    await vi.advanceTimersByTimeAsync(0.8 * 3600 * 1000 + 1000);
    expect(refreshed).toBe(1);
    const auth = FakeSocket.all[0].sent.map((t) => JSON.parse(t)).filter((f) => f.type === 'auth');
    expect(auth).toEqual([{ type: 'auth', token: api.session!.accessToken, id: 1 }]);
    conn.stop();
  });

  it('ends the session on close 4003 (device removed) without reconnecting', async () => {
    const states: [ConnState, string][] = [];
    const conn = new Connection(fakeApi([]), { state: (s, d) => states.push([s, d]), frame: () => undefined, ready: () => undefined });
    conn.start();
    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(1));
    FakeSocket.all[0].open('gw-1');
    FakeSocket.all[0].close(4003);
    await vi.advanceTimersByTimeAsync(20000);
    expect(FakeSocket.all).toHaveLength(1);
    expect(states.at(-1)).toEqual(['ended', 'This device was removed from your account. Please log in again.']);
  });
});
