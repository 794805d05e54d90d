import { Chat, Member } from './api';
import { ChannelChain } from './proto/chain';
import { ChatFrame, Msg } from './proto/frames';
import { Content, decodeContent } from './content';

// What the screen shows, kept apart from the DOM so it can be tested: the chat list in server order (latest
// message first, ties by channel id descending — docs/protocol.md "Order"), each open chat's verified messages,
// pending sends, typing, presence and receipts. Counters only move forward: frames from different nodes may arrive
// out of order, and the newest state per channel wins.

export interface Shown {
  seq: number; msgId: string; sender: string; senderDevice: string; ts: number; content: Content; clientMsgId: string;
}

export interface PendingSend { clientMsgId: string; content: Content; state: 'sending' | 'failed'; error?: string }

export interface Thread {
  messages: Map<number, Shown>;
  chain: ChannelChain;
  hasOlder: boolean;
  loaded: boolean;
  pending: PendingSend[];
  members: Member[];
  receipts: Map<string, { read: number; delivered: number }>;
  typing: Map<string, number>; // userId -> until (ms)
  violation?: string;
}

export interface ChatEntry extends Chat { preview: string; title: string }

export class Store {
  readonly chats = new Map<string, ChatEntry>();
  readonly threads = new Map<string, Thread>();
  readonly presence = new Map<string, { online: boolean; lastSeen?: string }>();
  readonly names = new Map<string, string>();

  constructor(readonly me: string) {}

  upsertChat(c: Chat): ChatEntry {
    const prev = this.chats.get(c.channelId);
    const entry: ChatEntry = { ...c, preview: prev?.preview ?? '', title: prev?.title ?? (c.name ?? 'Direct chat') };
    if (prev) {
      // Keep whichever counters are further along.
      if (prev.lastSeq > entry.lastSeq) { entry.lastSeq = prev.lastSeq; entry.ts = prev.ts; }
      entry.readSeq = Math.max(prev.readSeq, entry.readSeq);
      entry.unread = Math.max(0, entry.lastSeq - entry.readSeq);
    }
    if (c.lastMessage && !entry.preview) {
      entry.preview = previewOfEnvelope(c.lastMessage);
    }
    this.chats.set(c.channelId, entry);
    return entry;
  }

  /** Applies a `chat` frame; false when the channel is unknown (the caller fetches it). */
  applyChatFrame(f: ChatFrame): boolean {
    const c = this.chats.get(f.channelId);
    if (!c) return false;
    if (f.lastSeq >= c.lastSeq) { c.lastSeq = f.lastSeq; c.ts = Math.max(c.ts, f.ts); }
    c.readSeq = Math.max(c.readSeq, f.readSeq);
    if (f.readSeq >= c.readSeq) c.markedUnread = f.markedUnread;
    c.muted = f.muted;
    c.unread = Math.max(0, c.lastSeq - c.readSeq);
    return true;
  }

  /** The list as shown: latest message first, ties by channel id descending (the server's order). */
  sortedChats(): ChatEntry[] {
    return [...this.chats.values()].sort((a, b) => (b.ts - a.ts) || (a.channelId < b.channelId ? 1 : a.channelId > b.channelId ? -1 : 0));
  }

  thread(channelId: string): Thread {
    let t = this.threads.get(channelId);
    if (!t) {
      t = { messages: new Map(), chain: new ChannelChain(), hasOlder: true, loaded: false, pending: [], members: [],
        receipts: new Map(), typing: new Map() };
      this.threads.set(channelId, t);
    }
    return t;
  }

  /** Adds verified messages to a thread and moves the chat's preview and position. */
  addMessages(channelId: string, ms: Msg[]): void {
    const t = this.thread(channelId);
    for (const m of ms) {
      const content = decodeContent(m.payload);
      t.messages.set(m.seq, { seq: m.seq, msgId: m.msgId, sender: m.sender, senderDevice: m.senderDevice, ts: m.ts,
        content, clientMsgId: m.clientMsgId });
      t.pending = t.pending.filter((p) => p.clientMsgId !== m.clientMsgId || m.sender !== this.me);
      t.typing.delete(m.sender);
    }
    const newest = ms.reduce<Msg | null>((a, m) => (a === null || m.seq > a.seq ? m : a), null);
    if (newest) this.touch(channelId, newest);
  }

  /** Moves the chat for its newest message: preview, position, and my own sends count as read. */
  touch(channelId: string, newest: Msg): void {
    const c = this.chats.get(channelId);
    if (c && newest.seq >= c.lastSeq) {
      c.lastSeq = newest.seq;
      c.ts = Math.max(c.ts, newest.ts);
      c.preview = previewText(decodeContent(newest.payload), c.kind === 'group' ? this.nameOf(newest.sender) : '', newest.sender === this.me);
      if (newest.sender === this.me) c.readSeq = Math.max(c.readSeq, newest.seq);
      c.unread = Math.max(0, c.lastSeq - c.readSeq);
    }
  }

  receipt(channelId: string, userId: string, kind: 'read' | 'delivered', seq: number): void {
    const t = this.thread(channelId);
    const r = t.receipts.get(userId) ?? { read: 0, delivered: 0 };
    r[kind] = Math.max(r[kind], seq);
    if (kind === 'read') r.delivered = Math.max(r.delivered, seq);
    t.receipts.set(userId, r);
  }

  /** How far the other members got with one of my messages: how many read it, how many received it, of how many. */
  status(channelId: string, seq: number): { read: number; delivered: number; others: number } {
    const c = this.chats.get(channelId);
    const t = this.thread(channelId);
    const others = t.members.filter((m) => m.userId !== this.me).map((m) => m.userId);
    if (c?.kind === 'dm' && c.peerUserId && !others.includes(c.peerUserId)) others.push(c.peerUserId);
    const reached = (u: string, k: 'read' | 'delivered') => {
      const fromList = c?.kind === 'dm' ? (k === 'read' ? c.peerReadSeq : c.peerDeliveredSeq) ?? 0 : 0;
      return Math.max(t.receipts.get(u)?.[k] ?? 0, fromList) >= seq;
    };
    return { read: others.filter((u) => reached(u, 'read')).length,
      delivered: others.filter((u) => reached(u, 'delivered') || reached(u, 'read')).length, others: others.length };
  }

  typingNames(channelId: string, now: number): string[] {
    const t = this.threads.get(channelId);
    if (!t) return [];
    return [...t.typing.entries()].filter(([u, until]) => until > now && u !== this.me).map(([u]) => this.nameOf(u));
  }

  nameOf(userId: string): string {
    return userId === this.me ? 'You' : this.names.get(userId) ?? 'Someone';
  }
}

export function previewText(c: Content, who: string, mine: boolean): string {
  const body = c.kind === 'text' ? c.text : `File: ${c.name}`;
  return mine ? `You: ${body}` : who ? `${who}: ${body}` : body;
}

function previewOfEnvelope(env: Record<string, unknown>): string {
  try {
    const bin = atob(String(env.payload));
    return previewText(decodeContent(Uint8Array.from(bin, (ch) => ch.charCodeAt(0))), '', false);
  } catch {
    return '';
  }
}
