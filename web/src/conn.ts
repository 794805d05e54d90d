import { Api, ApiError, Gateway } from './api';
import { Ack, ErrorFrame, FrameError, frames, parseFrame, ServerFrame } from './proto/frames';

// The WebSocket session (docs/protocol.md): a gateway picked by discovery (docs/discovery.md), reconnects with
// exponential backoff and jitter asking discovery again with the node it was on, pings to stay present, and re-sends
// every unacknowledged send with its same clientMsgId after a reconnect (the server stores each once).

export type ConnState = 'connecting' | 'online' | 'offline' | 'replaced' | 'ended';

interface Pending {
  channelId: string; clientMsgId: string; payloadB64: string; kind: string;
  resolve: (a: Ack) => void; reject: (e: Error) => void; sentOn: number;
}

export interface ConnEvents {
  state(state: ConnState, detail: string): void;
  frame(frame: ServerFrame): void;
  ready(nodeId: string, firstConnect: boolean): void;
}

export class SendRefused extends Error {
  constructor(readonly code: string, message: string) { super(message); }
}

const SEND_ERRORS: Record<string, string> = {
  not_a_member: 'Not sent: you are not a member of this chat any more.',
  payload_too_large: 'Not sent: the message is too large.',
  invalid_field: 'Not sent: the app built a bad message (please report this).',
};

export class Connection {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private nodeId: string | undefined;
  private firstGateway: Gateway | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private pinger: ReturnType<typeof setInterval> | undefined;
  private authTimer: ReturnType<typeof setTimeout> | undefined;
  private authId = 0;
  private readonly outbox = new Map<string, Pending>();
  private generation = 0;
  private connectedOnce = false;
  private stopped = false;
  private sessionReady = false;
  maxPayloadBytes = 65536;

  constructor(private readonly api: Api, private readonly events: ConnEvents, firstGateway?: Gateway) {
    this.firstGateway = firstGateway;
  }

  get gatewayNode(): string | undefined { return this.nodeId; }

  start(): void {
    this.stopped = false;
    void this.open();
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    clearTimeout(this.timer);
    clearTimeout(this.authTimer);
    clearInterval(this.pinger);
    this.ws?.close(1000);
    this.ws = null;
    for (const p of this.outbox.values()) p.reject(new SendRefused('stopped', 'Not sent: you logged out.'));
    this.outbox.clear();
  }

  private async open(): Promise<void> {
    const gen = ++this.generation;
    this.events.state('connecting', this.attempt === 0 ? 'Connecting…' : `Reconnecting (attempt ${this.attempt + 1})…`);
    let gw: Gateway;
    try {
      if (tokenExpiresSoon(this.api.session?.accessToken)) await this.api.refresh();
      gw = this.firstGateway ?? await this.api.gateway(this.nodeId);
      this.firstGateway = undefined;
    } catch (e) {
      if (e instanceof ApiError && e.sessionOver) { this.end(e.message); return; }
      this.retry(gen, e instanceof ApiError ? e.message : 'Cannot reach the server.');
      return;
    }
    if (gen !== this.generation) return;
    const ws = new WebSocket(`${gw.url}?access_token=${encodeURIComponent(this.api.session!.accessToken)}`);
    this.ws = ws;
    this.sessionReady = false;
    let opened = false;
    ws.onopen = () => { opened = true; };
    ws.onmessage = (ev) => {
      if (gen !== this.generation || typeof ev.data !== 'string') return;
      let f: ServerFrame;
      try { f = parseFrame(ev.data); } catch (e) {
        console.warn('ignored a malformed frame', e instanceof FrameError ? e.message : e);
        return;
      }
      this.handle(f);
    };
    ws.onclose = (ev) => {
      if (gen !== this.generation) return;
      clearInterval(this.pinger);
      clearTimeout(this.authTimer);
      this.ws = null;
      if (ev.code === 4003) { this.end('This device was removed from your account. Please log in again.'); return; }
      if (ev.code === 4001) {
        this.events.state('replaced', 'This device opened Parley in another window; this one is paused.');
        return;
      }
      if (!opened) {
        // A refused upgrade (401: token expired or revoked) looks like any failed connect: refresh before retrying.
        void this.api.refresh().catch(() => undefined);
      }
      this.retry(gen, ev.code === 4010 ? 'The server is moving you to another node…' : 'Connection lost. Retrying…');
    };
  }

  private handle(f: ServerFrame): void {
    switch (f.type) {
      case 'ready': {
        const first = !this.connectedOnce;
        this.connectedOnce = true;
        this.sessionReady = true;
        this.attempt = 0;
        this.nodeId = f.nodeId;
        this.maxPayloadBytes = f.maxPayloadBytes;
        const every = Math.min(15000, Math.max(1000, (f.heartbeatIntervalMs ?? 30000) / 2));
        clearInterval(this.pinger);
        let n = 0;
        this.pinger = setInterval(() => this.raw(frames.ping(++n)), every);
        this.events.state('online', `Connected (${f.nodeId})`);
        this.scheduleAuth();
        for (const p of this.outbox.values()) this.transmit(p);
        this.events.ready(f.nodeId, first);
        break;
      }
      case 'ack': {
        const p = this.outbox.get(key(f.channelId, f.clientMsgId));
        if (p) { this.outbox.delete(key(f.channelId, f.clientMsgId)); p.resolve(f); }
        break;
      }
      case 'error':
        if (f.clientMsgId !== undefined) this.sendError(f);
        break;
      case 'reconnect':
        this.events.state('connecting', 'The server is moving you to another node…');
        break;
      default:
        break;
    }
    this.events.frame(f);
  }

  /**
   * The gateway closes a socket whose access token expired (4005) unless an `auth` frame brings a fresh one first
   * (docs/protocol.md "Token expiry"): at 80 % of the token's remaining life, refresh it and hand it over.
   */
  private scheduleAuth(): void {
    clearTimeout(this.authTimer);
    const exp = tokenExp(this.api.session?.accessToken);
    if (exp === null) return;
    const delay = Math.max(5000, (exp * 1000 - Date.now()) * 0.8);
    this.authTimer = setTimeout(() => {
      void this.api.refresh().then(() => {
        if (this.raw(JSON.stringify({ type: 'auth', token: this.api.session!.accessToken, id: ++this.authId }))) this.scheduleAuth();
      }).catch(() => undefined); // a failed refresh ends the session (Api) or the 4005 close reconnects
    }, delay);
  }

  private sendError(f: ErrorFrame): void {
    const p = [...this.outbox.values()].find((x) => x.clientMsgId === f.clientMsgId);
    if (!p) return;
    if (f.code === 'rate_limited' || f.code === 'unavailable') {
      setTimeout(() => { if (this.outbox.has(key(p.channelId, p.clientMsgId))) this.transmit(p); }, f.retryAfterMs ?? 1000);
      return;
    }
    this.outbox.delete(key(p.channelId, p.clientMsgId));
    p.reject(new SendRefused(f.code, SEND_ERRORS[f.code] ?? `Not sent: ${f.message || f.code}.`));
  }

  private retry(gen: number, detail: string): void {
    if (this.stopped || gen !== this.generation) return;
    const base = Math.min(15000, 500 * 2 ** Math.min(this.attempt, 5));
    const delay = Math.round(base / 2 + Math.random() * base / 2);
    this.attempt++;
    this.events.state('offline', `${detail} Next try in ${Math.ceil(delay / 1000)} s.`);
    this.timer = setTimeout(() => { void this.open(); }, delay);
  }

  private end(reason: string): void {
    this.stop();
    this.events.state('ended', reason);
  }

  /** Sends now if online, otherwise when the next session is ready; resolves with the ack. */
  send(channelId: string, clientMsgId: string, payloadB64: string, kind = 'application'): Promise<Ack> {
    return new Promise((resolve, reject) => {
      const p: Pending = { channelId, clientMsgId, payloadB64, kind, resolve, reject, sentOn: 0 };
      this.outbox.set(key(channelId, clientMsgId), p);
      this.transmit(p);
    });
  }

  private transmit(p: Pending): void {
    if (this.raw(frames.send(p.channelId, p.clientMsgId, p.payloadB64, p.kind))) p.sentOn = Date.now();
  }

  /** Writes a frame when a session is open; false when offline (the caller may drop ephemeral frames). */
  raw(text: string): boolean {
    if (this.ws && this.ws.readyState === WebSocket.OPEN && this.sessionReady) {
      this.ws.send(text);
      return true;
    }
    return false;
  }

  /** Moves the session to the given gateway (benchmarks pin two browsers to two gateways); resends as usual. */
  switchGateway(gw: Gateway): void {
    this.firstGateway = gw;
    this.ws?.close(4999);
  }

  /** Test hook and "reconnect now" button: drops the socket as a network loss would. */
  dropForTest(): void { this.ws?.close(4999); }
}

function key(channelId: string, clientMsgId: string): string { return `${channelId}/${clientMsgId}`; }

function tokenExp(token: string | undefined): number | null {
  if (!token) return null;
  try {
    const body = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return typeof body.exp === 'number' ? body.exp : null;
  } catch {
    return null;
  }
}

function tokenExpiresSoon(token: string | undefined): boolean {
  const exp = tokenExp(token);
  return exp === null || exp * 1000 < Date.now() + 30000;
}
