import { describe, expect, it } from 'vitest';
import { fromBase64, toBase64 } from '../src/proto/b64';
import { FrameError, frames, newClientMsgId, parseFrame } from '../src/proto/frames';

const CH = '0b9f3c2e-5a61-4d1e-9c4b-2f7d8e6a1b30';
const U = '3f1d2a9e-8c47-4b6e-a0d5-91e2c7b4f863';
const HASH = toBase64(new Uint8Array(32).fill(7));

describe('parseFrame', () => {
  it('reads the documented examples of docs/protocol.md', () => {
    const ready = parseFrame(`{"type":"ready","userId":"${U}","deviceId":"${U}","sessionId":"s","nodeId":"gw-1","maxPayloadBytes":65536,"heartbeatIntervalMs":30000,"push":"disabled"}`);
    expect(ready).toMatchObject({ type: 'ready', nodeId: 'gw-1', heartbeatIntervalMs: 30000 });
    const msg = parseFrame(`{"type":"msg","channelId":"${CH}","seq":42,"msgId":"1234567890123","hash":"${HASH}","sender":"${U}","senderDevice":"${U}","clientMsgId":"c-17","kind":"application","payload":"aGVsbG8=","ts":1795811830734}`);
    expect(msg.type).toBe('msg');
    if (msg.type === 'msg') expect(new TextDecoder().decode(msg.payload)).toBe('hello');
    expect(parseFrame(`{"type":"chat","channelId":"${CH}","lastSeq":42,"ts":1,"readSeq":40,"unread":2,"markedUnread":false,"muted":false}`))
      .toMatchObject({ type: 'chat', unread: 2 });
    expect(parseFrame(`{"type":"error","code":"rate_limited","message":"m","clientMsgId":"c-18","retryAfterMs":20}`))
      .toMatchObject({ code: 'rate_limited', clientMsgId: 'c-18', retryAfterMs: 20 });
    expect(parseFrame(`{"type":"typing","channelId":"${CH}","userId":"${U}","deviceId":"${U}","state":"start"}`)).toMatchObject({ state: 'start' });
    expect(parseFrame(`{"type":"presence.subscribed","id":"s1","accepted":[{"type":"presence","userId":"${U}","online":true}],"denied":[]}`))
      .toMatchObject({ accepted: [{ userId: U, online: true }] });
  });

  it('ignores unknown frame types and unknown fields, as the protocol asks', () => {
    expect(parseFrame('{"type":"future.thing","x":1}')).toEqual({ type: 'unknown', original: 'future.thing' });
    expect(parseFrame('{"type":"pong","id":7,"extra":true}')).toEqual({ type: 'pong', id: 7 });
  });

  it('refuses malformed frames and known frames with bad fields', () => {
    expect(() => parseFrame('not json')).toThrow(FrameError);
    expect(() => parseFrame('[1]')).toThrow(FrameError);
    expect(() => parseFrame('{"no":"type"}')).toThrow(FrameError);
    const good = { type: 'ack', clientMsgId: 'c', channelId: CH, seq: 1, msgId: '5', hash: HASH, ts: 1 };
    expect(() => parseFrame(JSON.stringify({ ...good, msgId: 5 }))).toThrow(/must be a string/);
    expect(() => parseFrame(JSON.stringify({ ...good, msgId: '05' }))).toThrow(/decimal id string/);
    expect(() => parseFrame(JSON.stringify({ ...good, channelId: CH.toUpperCase() }))).toThrow(/canonical UUID/);
    expect(() => parseFrame(JSON.stringify({ ...good, hash: 'QR==' }))).toThrow(/base64/);
    expect(() => parseFrame(JSON.stringify({ ...good, hash: toBase64(new Uint8Array(31)) }))).toThrow(/32 bytes/);
    expect(() => parseFrame(JSON.stringify({ ...good, seq: -1 }))).toThrow(/non-negative integer/);
    expect(() => parseFrame(JSON.stringify({ ...good, seq: 1.5 }))).toThrow(/non-negative integer/);
  });
});

describe('base64 and client frames', () => {
  it('accepts only canonical padded base64', () => {
    expect(Array.from(fromBase64('QQ=='))).toEqual([65]);
    for (const bad of ['QQ', 'QR==', 'Q Q==', 'QQ==\n', '-_8=']) expect(() => fromBase64(bad)).toThrow();
  });

  it('builds only the fields the gateway allows', () => {
    expect(JSON.parse(frames.send(CH, 'c-1', 'aGk='))).toEqual({ type: 'send', channelId: CH, clientMsgId: 'c-1', kind: 'application', payload: 'aGk=' });
    expect(JSON.parse(frames.read(CH, 4))).toEqual({ type: 'read', channelId: CH, seq: 4 });
    expect(newClientMsgId()).toMatch(/^[A-Za-z0-9_.:-]{1,64}$/);
  });
});
