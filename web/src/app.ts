import { Api, ApiError, Chat, Gateway } from './api';
import { bind, download, upload } from './attach';
import { Connection, ConnState, SendRefused } from './conn';
import { Content, encodeContent } from './content';
import { toBase64 } from './proto/b64';
import { ChainViolation } from './proto/chain';
import { Msg, newClientMsgId, parseEnvelope, ServerFrame, frames } from './proto/frames';
import { Store } from './store';
import { MlsDevice } from './mls/device';
import { IdbKv } from './mls/kv';

// The controller: session, connection, and every action the screen offers. It changes the Store and asks the
// view to redraw (render is batched per animation frame).

export class App {
  store!: Store;
  conn: Connection | null = null;
  openId: string | null = null;
  state: { conn: ConnState; detail: string } = { conn: 'connecting', detail: '' };
  notice = '';
  readonly images = new Map<string, string>(); // mediaId -> object URL of the decrypted file
  private lastTypingSent = 0;
  private mls: Promise<MlsDevice> | null = null;
  private scheduled = false;

  constructor(readonly api: Api, private readonly render: (app: App) => void) {
    api.onSessionEnded = (reason) => this.ended(reason);
  }

  redraw(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => { this.scheduled = false; this.render(this); });
  }

  get loggedIn(): boolean { return this.api.session !== null && this.conn !== null; }

  async login(username: string, password: string): Promise<void> {
    const gw = await this.api.login(username, password);
    await this.enter(gw);
  }

  async signup(username: string, password: string, displayName: string): Promise<void> {
    await this.api.signup(username, password, displayName);
    await this.login(username, password);
  }

  /** After login, or at page load with a saved session. */
  async enter(gw?: Gateway): Promise<void> {
    const s = this.api.session!;
    this.store = new Store(s.userId);
    this.conn = new Connection(this.api, {
      state: (conn, detail) => { this.state = { conn, detail }; this.redraw(); },
      frame: (f) => this.onFrame(f),
      ready: (nodeId, first) => void this.onReady(nodeId, first),
    }, gw);
    this.conn.start();
    await this.loadChats();
  }

  async logout(): Promise<void> {
    this.conn?.stop();
    this.conn = null;
    try { await this.api.logout(); } catch { /* the local session ends anyway */ }
    this.reset('');
  }

  private ended(reason: string): void {
    this.conn?.stop();
    this.conn = null;
    this.reset(reason);
  }

  private reset(notice: string): void {
    this.mls = null;
    for (const url of this.images.values()) URL.revokeObjectURL(url);
    this.images.clear();
    this.openId = null;
    this.notice = notice;
    this.redraw();
  }

  async loadChats(): Promise<void> {
    let cursor: string | undefined;
    do {
      const page = await this.api.chats(cursor);
      for (const c of page.chats) this.store.upsertChat(c);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    this.redraw();
    await Promise.all([...this.store.chats.values()].filter((c) => c.kind === 'dm' && c.title === 'Direct chat')
      .map((c) => this.loadMembers(c.channelId).catch(() => undefined)));
    this.redraw();
  }

  private async loadMembers(channelId: string): Promise<void> {
    const { members } = await this.api.members(channelId);
    this.store.thread(channelId).members = members;
    for (const m of members) this.store.names.set(m.userId, m.displayName);
    const c = this.store.chats.get(channelId);
    if (c && c.kind === 'dm') {
      const peer = members.find((m) => m.userId !== this.store.me);
      if (peer) c.title = peer.displayName;
    }
  }

  private async onReady(_nodeId: string, first: boolean): Promise<void> {
    if (first) void this.publishKeys();
    if (!first) {
      // Frames may have been missed while away: the list and the open chat are refreshed (docs/protocol.md).
      await this.loadChats().catch(() => undefined);
      if (this.openId) await this.catchUp(this.openId).catch(() => undefined);
    }
    this.subscribePresence();
  }

  private subscribePresence(): void {
    const ids = new Set<string>();
    for (const c of this.store.chats.values()) if (c.peerUserId) ids.add(c.peerUserId);
    for (const t of this.store.threads.values()) for (const m of t.members) if (m.userId !== this.store.me) ids.add(m.userId);
    const list = [...ids].slice(0, 500);
    if (list.length > 0) this.conn?.raw(frames.presenceSubscribe(list, 'p'));
  }

  private onFrame(f: ServerFrame): void {
    switch (f.type) {
      case 'msg': void this.onMsg(f); break;
      case 'chat':
        if (!this.store.applyChatFrame(f)) void this.api.chat(f.channelId).then((c) => this.addedTo(c)).catch(() => undefined);
        if (f.channelId === this.openId && f.unread > 0 && document.hasFocus()) this.markRead(f.channelId);
        break;
      case 'receipt': this.store.receipt(f.channelId, f.userId, f.kind, f.seq); break;
      case 'typing':
        if (f.state === 'start') this.store.thread(f.channelId).typing.set(f.userId, Date.now() + 5000);
        else this.store.thread(f.channelId).typing.delete(f.userId);
        setTimeout(() => this.redraw(), 5100);
        break;
      case 'keypackages.low': void this.publishKeys(f.oneTimeStock); return;
      case 'presence': this.store.presence.set(f.userId, { online: f.online, lastSeen: f.lastSeen }); break;
      case 'presence.subscribed':
        for (const p of f.accepted) this.store.presence.set(p.userId, { online: p.online, lastSeen: p.lastSeen });
        break;
      default: return;
    }
    this.redraw();
  }

  /**
   * Registers this device's MLS signature key and uploads KeyPackages (docs/e2ee.md), kept in IndexedDB. This is
   * the device side of the key directory only: messages are not MLS-encrypted by the web client yet (docs/web.md).
   */
  private async publishKeys(stock?: number): Promise<void> {
    const s = this.api.session;
    if (!s || typeof indexedDB === 'undefined') return;
    try {
      this.mls ??= MlsDevice.load(new IdbKv(), s.deviceId);
      await (await this.mls).publish(this.api, 20, stock);
    } catch (e) {
      console.warn('could not publish MLS keys', e);
    }
  }

  private async addedTo(c: Chat): Promise<void> {
    this.store.upsertChat(c);
    await this.loadMembers(c.channelId).catch(() => undefined);
    this.subscribePresence();
    this.redraw();
  }

  private async onMsg(m: Msg): Promise<void> {
    this.conn?.raw(frames.delivered(m.channelId, m.seq));
    const t = this.store.thread(m.channelId);
    if (!t.loaded) {
      this.store.touch(m.channelId, m);
      this.redraw();
      return;
    }
    await this.verified(m.channelId, () => t.chain.offer(m));
    if (t.chain.gapFrom) await this.catchUp(m.channelId);
    if (m.channelId === this.openId && document.hasFocus()) this.markRead(m.channelId);
  }

  private async verified(channelId: string, step: () => Promise<Msg[]>): Promise<void> {
    const t = this.store.thread(channelId);
    try {
      this.store.addMessages(channelId, await step());
    } catch (e) {
      if (e instanceof ChainViolation) t.violation = `This chat's history failed its integrity check (${e.message}). Messages may have been altered.`;
      else throw e;
    }
    this.redraw();
  }

  /** Fetches what came after the newest verified message (a gap, or time offline). */
  private async catchUp(channelId: string): Promise<void> {
    const t = this.store.thread(channelId);
    for (let guard = 0; guard < 20; guard++) {
      const page = await this.api.history(channelId, { after: t.chain.highSeq, limit: 200 });
      const ms = page.messages.map((e) => parseEnvelope(e, channelId));
      await this.verified(channelId, () => t.chain.offer(...ms));
      if (!page.hasMore) return;
    }
  }

  async open(channelId: string): Promise<void> {
    this.openId = channelId;
    const t = this.store.thread(channelId);
    this.redraw();
    if (!t.loaded) {
      const page = await this.api.history(channelId, { limit: 50 });
      const ms = page.messages.map((e) => parseEnvelope(e, channelId));
      await this.verified(channelId, () => t.chain.offer(...ms));
      t.hasOlder = page.hasMore;
      t.loaded = true;
      await this.loadMembers(channelId).catch(() => undefined);
      this.subscribePresence();
    } else if ((this.store.chats.get(channelId)?.lastSeq ?? 0) > t.chain.highSeq) {
      await this.catchUp(channelId); // it was loaded earlier; messages came while it was closed or we were away
    }
    this.markRead(channelId);
    this.redraw();
  }

  async loadOlder(): Promise<void> {
    const id = this.openId;
    if (!id) return;
    const t = this.store.thread(id);
    if (!t.hasOlder || t.chain.lowSeq <= 1) { t.hasOlder = false; this.redraw(); return; }
    const page = await this.api.history(id, { before: t.chain.lowSeq, limit: 50 });
    const ms = page.messages.map((e) => parseEnvelope(e, id));
    await this.verified(id, () => t.chain.extendBack(ms));
    t.hasOlder = page.hasMore && t.chain.lowSeq > 1;
    this.redraw();
  }

  markRead(channelId: string): void {
    const c = this.store.chats.get(channelId);
    if (!c) return;
    if (c.markedUnread || !this.conn?.raw(frames.read(channelId, c.lastSeq))) {
      void this.api.markRead(channelId, c.lastSeq).then(() => { c.markedUnread = false; this.redraw(); }).catch(() => undefined);
    }
    c.readSeq = c.lastSeq;
    c.unread = 0;
    this.redraw();
  }

  async markUnread(channelId: string): Promise<void> {
    await this.api.markUnread(channelId);
    const c = this.store.chats.get(channelId);
    if (c) c.markedUnread = true;
    if (this.openId === channelId) this.openId = null;
    this.redraw();
  }

  typing(): void {
    if (!this.openId || Date.now() - this.lastTypingSent < 3000) return;
    this.lastTypingSent = Date.now();
    this.conn?.raw(frames.typing(this.openId, 'start'));
  }

  async sendText(text: string): Promise<void> {
    if (this.openId && text.trim()) await this.send(this.openId, { kind: 'text', text });
  }

  async sendFile(file: File, caption: string): Promise<void> {
    const channelId = this.openId;
    if (!channelId) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    const ref = await upload(this.api, channelId, bytes);
    const seq = await this.send(channelId, { kind: 'attachment', name: file.name, mime: file.type || 'application/octet-stream',
      attachment: ref, caption });
    if (seq) await bind(this.api, ref.mediaId, seq);
  }

  /** Sends one message; it shows at once as pending, then as the stored, verified message once acked. */
  private async send(channelId: string, content: Content): Promise<number | undefined> {
    const conn = this.conn!;
    const t = this.store.thread(channelId);
    const clientMsgId = newClientMsgId();
    const payload = encodeContent(content);
    if (payload.length > conn.maxPayloadBytes) {
      t.pending.push({ clientMsgId, content, state: 'failed', error: 'Not sent: the message is too large.' });
      this.redraw();
      return undefined;
    }
    t.pending.push({ clientMsgId, content, state: 'sending' });
    this.lastTypingSent = 0;
    this.redraw();
    try {
      const ack = await conn.send(channelId, clientMsgId, toBase64(payload));
      const s = this.api.session!;
      const mine: Msg = { type: 'msg', channelId, seq: ack.seq, msgId: ack.msgId, hash: ack.hash, sender: s.userId,
        senderDevice: s.deviceId, clientMsgId, kind: 'application', payload, payloadB64: '', ts: ack.ts };
      if (t.loaded) {
        await this.verified(channelId, () => t.chain.offer(mine));
        if (t.chain.gapFrom) await this.catchUp(channelId);
      } else {
        this.store.touch(channelId, mine);
      }
      t.pending = t.pending.filter((p) => p.clientMsgId !== clientMsgId);
      this.redraw();
      return ack.seq;
    } catch (e) {
      const p = t.pending.find((x) => x.clientMsgId === clientMsgId);
      if (p) { p.state = 'failed'; p.error = e instanceof SendRefused ? e.message : 'Not sent.'; }
      this.redraw();
      return undefined;
    }
  }

  async image(mediaId: string, ref: Content & { kind: 'attachment' }): Promise<string> {
    const known = this.images.get(mediaId);
    if (known) return known;
    const bytes = await download(this.api, ref.attachment);
    const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: ref.mime }));
    this.images.set(mediaId, url);
    return url;
  }

  async startDm(username: string): Promise<void> {
    const user = await this.api.userByName(username.trim());
    const { channelId } = await this.api.createDm(user.userId);
    await this.addedTo(await this.api.chat(channelId));
    await this.open(channelId);
  }

  async createGroup(name: string, usernames: string[]): Promise<void> {
    const users = await Promise.all(usernames.filter((u) => u.trim()).map((u) => this.api.userByName(u.trim())));
    const { channelId } = await this.api.createGroup(name.trim(), users.map((u) => u.userId));
    await this.addedTo(await this.api.chat(channelId));
    await this.open(channelId);
  }

  async addMember(username: string): Promise<void> {
    if (!this.openId) return;
    const user = await this.api.userByName(username.trim());
    await this.api.addMember(this.openId, user.userId);
    await this.loadMembers(this.openId);
    this.redraw();
  }

  async removeMember(userId: string): Promise<void> {
    if (!this.openId) return;
    const id = this.openId;
    await this.api.removeMember(id, userId);
    if (userId === this.store.me) {
      this.store.chats.delete(id);
      this.openId = null;
    } else {
      await this.loadMembers(id);
    }
    this.redraw();
  }
}

export function errorText(e: unknown): string {
  if (e instanceof ApiError || e instanceof SendRefused) return e.message;
  return e instanceof Error ? `Something went wrong: ${e.message}` : 'Something went wrong.';
}
