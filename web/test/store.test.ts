import { describe, expect, it } from 'vitest';
import { Chat } from '../src/api';
import { Store } from '../src/store';
import { decodeContent, encodeContent } from '../src/content';
import { open, seal, CHUNK } from '../src/attach';

const ME = '11111111-1111-4111-8111-111111111111';
const chat = (id: string, ts: number, extra: Partial<Chat> = {}): Chat => ({ channelId: id, kind: 'group', name: id, memberCount: 2,
  lastSeq: 0, ts, lastMessage: null, readSeq: 0, unread: 0, markedUnread: false, muted: false, ...extra });

describe('Store', () => {
  it('orders chats by latest message, ties by channel id descending, and moves a chat up on a newer chat frame', () => {
    const s = new Store(ME);
    s.upsertChat(chat('aaaaaaaa-0000-4000-8000-000000000000', 5));
    s.upsertChat(chat('bbbbbbbb-0000-4000-8000-000000000000', 5));
    s.upsertChat(chat('cccccccc-0000-4000-8000-000000000000', 9));
    expect(s.sortedChats().map((c) => c.channelId[0])).toEqual(['c', 'b', 'a']);
    s.applyChatFrame({ type: 'chat', channelId: 'aaaaaaaa-0000-4000-8000-000000000000', lastSeq: 3, ts: 10, readSeq: 1, unread: 2, markedUnread: false, muted: false });
    expect(s.sortedChats().map((c) => c.channelId[0])).toEqual(['a', 'c', 'b']);
    expect(s.chats.get('aaaaaaaa-0000-4000-8000-000000000000')!.unread).toBe(2);
  });

  it('never moves counters backwards when frames arrive out of order', () => {
    const s = new Store(ME);
    const id = 'aaaaaaaa-0000-4000-8000-000000000000';
    s.upsertChat(chat(id, 1));
    s.applyChatFrame({ type: 'chat', channelId: id, lastSeq: 5, ts: 50, readSeq: 4, unread: 1, markedUnread: false, muted: false });
    s.applyChatFrame({ type: 'chat', channelId: id, lastSeq: 3, ts: 30, readSeq: 2, unread: 1, markedUnread: false, muted: false });
    expect(s.chats.get(id)).toMatchObject({ lastSeq: 5, readSeq: 4, unread: 1, ts: 50 });
    expect(s.applyChatFrame({ type: 'chat', channelId: 'dddddddd-0000-4000-8000-000000000000', lastSeq: 1, ts: 1, readSeq: 0, unread: 1, markedUnread: false, muted: false })).toBe(false);
  });
});

describe('content and attachments', () => {
  it('round-trips text and attachment references; plain text from other clients stays text', () => {
    expect(decodeContent(encodeContent({ kind: 'text', text: 'héllo {"parley"' }))).toEqual({ kind: 'text', text: 'héllo {"parley"' });
    const a = { kind: 'attachment' as const, name: 'cat.png', mime: 'image/png', caption: '', attachment: { mediaId: 'm', channelId: 'c', key: 'k', sha256: 'ab', size: 3, plaintextSize: 1 } };
    expect(decodeContent(encodeContent(a))).toEqual(a);
  });

  it('seals files in the Java AttachmentCipher layout and refuses tampering and truncation', async () => {
    const key = crypto.getRandomValues(new Uint8Array(32));
    for (const size of [0, 1, CHUNK, CHUNK + 1, 2 * CHUNK + 5]) {
      const plain = crypto.getRandomValues(new Uint8Array(Math.min(size, 65536))).length === size ? crypto.getRandomValues(new Uint8Array(size)) : new Uint8Array(size).fill(3);
      const sealed = await seal(plain, key);
      expect(sealed.length).toBe(size + 16 * (Math.floor(size / CHUNK) + 1));
      expect(Array.from(await open(sealed, key))).toEqual(Array.from(plain));
    }
    const sealed = await seal(new Uint8Array(CHUNK + 10).fill(1), key);
    const flipped = sealed.slice(); flipped[3] ^= 1;
    await expect(open(flipped, key)).rejects.toThrow();
    await expect(open(sealed.subarray(0, CHUNK + 16), key)).rejects.toThrow(); // cut at a chunk boundary
  });
});
