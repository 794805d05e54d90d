import { fromBase64 } from './b64';

// Server → client frames (docs/protocol.md). Unknown types and unknown fields are ignored, as the protocol asks;
// a known frame with a missing or mistyped field is refused (FrameError) rather than half-used.

export interface Ready { type: 'ready'; userId: string; deviceId: string; sessionId: string; nodeId: string;
  maxPayloadBytes: number; heartbeatIntervalMs?: number }
export interface Ack { type: 'ack'; clientMsgId: string; channelId: string; seq: number; msgId: string; hash: string; ts: number }
export interface Msg { type: 'msg'; channelId: string; seq: number; msgId: string; hash: string; sender: string;
  senderDevice: string; clientMsgId: string; kind: string; payload: Uint8Array; payloadB64: string; ts: number }
export interface ErrorFrame { type: 'error'; code: string; message: string; clientMsgId?: string; channelId?: string;
  frame?: string; field?: string; retryAfterMs?: number }
export interface ChatFrame { type: 'chat'; channelId: string; lastSeq: number; ts: number; readSeq: number; unread: number;
  markedUnread: boolean; muted: boolean; lastMsgId?: string; lastSender?: string; lastKind?: string }
export interface Receipt { type: 'receipt'; channelId: string; userId: string; kind: 'read' | 'delivered'; seq: number }
export interface Typing { type: 'typing'; channelId: string; userId: string; deviceId: string; state: 'start' | 'stop' }
export interface PresenceFrame { type: 'presence'; userId: string; online: boolean; lastSeen?: string }
export interface PresenceSubscribed { type: 'presence.subscribed'; accepted: PresenceFrame[]; denied: string[] }
export interface Pong { type: 'pong'; id: unknown }
export interface Reconnect { type: 'reconnect'; reason: string }
export interface KeyPackagesLow { type: 'keypackages.low'; oneTimeStock: number; threshold: number }
export interface Unknown { type: 'unknown'; original: string }

export type ServerFrame = Ready | Ack | Msg | ErrorFrame | ChatFrame | Receipt | Typing | PresenceFrame
  | PresenceSubscribed | Pong | Reconnect | KeyPackagesLow | Unknown;

export class FrameError extends Error {}

type Obj = Record<string, unknown>;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function str(o: Obj, k: string): string {
  const v = o[k];
  if (typeof v !== 'string') throw new FrameError(`${o.type}: '${k}' must be a string`);
  return v;
}
function optStr(o: Obj, k: string): string | undefined {
  return o[k] === undefined ? undefined : str(o, k);
}
function uuid(o: Obj, k: string): string {
  const v = str(o, k);
  if (!UUID_RE.test(v)) throw new FrameError(`${o.type}: '${k}' must be a canonical UUID`);
  return v;
}
function int(o: Obj, k: string): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new FrameError(`${o.type}: '${k}' must be a non-negative integer`);
  return v;
}
function bool(o: Obj, k: string): boolean {
  const v = o[k];
  if (typeof v !== 'boolean') throw new FrameError(`${o.type}: '${k}' must be a boolean`);
  return v;
}
function decimalId(o: Obj, k: string): string {
  const v = str(o, k);
  if (!/^(0|[1-9][0-9]{0,18})$/.test(v)) throw new FrameError(`${o.type}: '${k}' must be a decimal id string`);
  return v;
}
function hash(o: Obj, k: string): string {
  const v = str(o, k);
  let bytes: Uint8Array;
  try { bytes = fromBase64(v); } catch { throw new FrameError(`${o.type}: '${k}' must be padded base64`); }
  if (bytes.length !== 32) throw new FrameError(`${o.type}: '${k}' must be 32 bytes`);
  return v;
}

function presence(o: Obj): PresenceFrame {
  return { type: 'presence', userId: uuid(o, 'userId'), online: bool(o, 'online'), lastSeen: optStr(o, 'lastSeen') };
}

/** An envelope of a msg frame or a history page (the msg frame without its type). */
export function parseEnvelope(o: Obj, channelId?: string): Msg {
  const payloadB64 = str(o, 'payload');
  let payload: Uint8Array;
  try { payload = fromBase64(payloadB64); } catch { throw new FrameError(`msg: 'payload' must be padded base64`); }
  return {
    type: 'msg', channelId: channelId ?? uuid(o, 'channelId'), seq: int(o, 'seq'), msgId: decimalId(o, 'msgId'),
    hash: hash(o, 'hash'), sender: uuid(o, 'sender'), senderDevice: uuid(o, 'senderDevice'),
    clientMsgId: typeof o.clientMsgId === 'string' ? o.clientMsgId : '', kind: str(o, 'kind'), payload, payloadB64,
    ts: int(o, 'ts'),
  };
}

export function parseFrame(text: string): ServerFrame {
  let o: unknown;
  try { o = JSON.parse(text); } catch { throw new FrameError('not JSON'); }
  if (typeof o !== 'object' || o === null || Array.isArray(o) || typeof (o as Obj).type !== 'string') {
    throw new FrameError('not a JSON object with a string type');
  }
  const f = o as Obj;
  switch (f.type) {
    case 'ready':
      return { type: 'ready', userId: uuid(f, 'userId'), deviceId: uuid(f, 'deviceId'), sessionId: str(f, 'sessionId'),
        nodeId: str(f, 'nodeId'), maxPayloadBytes: int(f, 'maxPayloadBytes'),
        heartbeatIntervalMs: f.heartbeatIntervalMs === undefined ? undefined : int(f, 'heartbeatIntervalMs') };
    case 'ack':
      return { type: 'ack', clientMsgId: str(f, 'clientMsgId'), channelId: uuid(f, 'channelId'), seq: int(f, 'seq'),
        msgId: decimalId(f, 'msgId'), hash: hash(f, 'hash'), ts: int(f, 'ts') };
    case 'msg':
      return parseEnvelope(f);
    case 'error':
      return { type: 'error', code: str(f, 'code'), message: typeof f.message === 'string' ? f.message : '',
        clientMsgId: typeof f.clientMsgId === 'string' ? f.clientMsgId : f.clientMsgId === undefined ? undefined : String(f.clientMsgId),
        channelId: optStr(f, 'channelId'), frame: optStr(f, 'frame'), field: optStr(f, 'field'),
        retryAfterMs: f.retryAfterMs === undefined ? undefined : int(f, 'retryAfterMs') };
    case 'chat':
      return { type: 'chat', channelId: uuid(f, 'channelId'), lastSeq: int(f, 'lastSeq'), ts: int(f, 'ts'),
        readSeq: int(f, 'readSeq'), unread: int(f, 'unread'), markedUnread: bool(f, 'markedUnread'), muted: bool(f, 'muted'),
        lastMsgId: optStr(f, 'lastMsgId'), lastSender: optStr(f, 'lastSender'), lastKind: optStr(f, 'lastKind') };
    case 'receipt': {
      const kind = str(f, 'kind');
      if (kind !== 'read' && kind !== 'delivered') throw new FrameError(`receipt: unknown kind '${kind}'`);
      return { type: 'receipt', channelId: uuid(f, 'channelId'), userId: uuid(f, 'userId'), kind, seq: int(f, 'seq') };
    }
    case 'typing': {
      const state = f.state === undefined ? 'start' : str(f, 'state');
      if (state !== 'start' && state !== 'stop') throw new FrameError(`typing: unknown state '${state}'`);
      return { type: 'typing', channelId: uuid(f, 'channelId'), userId: uuid(f, 'userId'), deviceId: str(f, 'deviceId'), state };
    }
    case 'presence':
      return presence(f);
    case 'presence.subscribed': {
      const accepted = f.accepted, denied = f.denied;
      if (!Array.isArray(accepted) || !Array.isArray(denied)) throw new FrameError('presence.subscribed: lists expected');
      return { type: 'presence.subscribed', accepted: accepted.map((a) => presence(a as Obj)), denied: denied.map(String) };
    }
    case 'pong':
      return { type: 'pong', id: f.id };
    case 'reconnect':
      return { type: 'reconnect', reason: typeof f.reason === 'string' ? f.reason : '' };
    case 'keypackages.low':
      return { type: 'keypackages.low', oneTimeStock: int(f, 'oneTimeStock'), threshold: int(f, 'threshold') };
    default:
      return { type: 'unknown', original: String(f.type) };
  }
}

// Client → server frames: only the fields the gateway allows (it refuses unknown ones).
export const frames = {
  send: (channelId: string, clientMsgId: string, payloadB64: string, kind = 'application') =>
    JSON.stringify({ type: 'send', channelId, clientMsgId, kind, payload: payloadB64 }),
  ping: (id: number) => JSON.stringify({ type: 'ping', id }),
  read: (channelId: string, seq: number) => JSON.stringify({ type: 'read', channelId, seq }),
  delivered: (channelId: string, seq: number) => JSON.stringify({ type: 'delivered', channelId, seq }),
  typing: (channelId: string, state: 'start' | 'stop') => JSON.stringify({ type: 'typing', channelId, state }),
  presenceSubscribe: (userIds: string[], id: string) => JSON.stringify({ type: 'presence.subscribe', userIds, id }),
};

/** A clientMsgId: unique per device and channel, of [A-Za-z0-9_.:-], reused on every resend of the same message. */
export function newClientMsgId(): string {
  const r = crypto.getRandomValues(new Uint8Array(12));
  return 'w-' + Array.from(r, (b) => b.toString(36).padStart(2, '0')).join('');
}
