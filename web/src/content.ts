import { utf8 } from './proto/b64';

// What goes inside a message payload. Plain text is its UTF-8 bytes (as the Java client sends text); an attachment
// is a small JSON document naming the file and the key to open it (docs/web.md). With E2EE on, these bytes are
// the MLS plaintext, never sent as they are.

export interface AttachmentRef {
  mediaId: string; channelId: string; key: string; sha256: string; size: number; plaintextSize: number;
}

export type Content =
  | { kind: 'text'; text: string }
  | { kind: 'attachment'; name: string; mime: string; attachment: AttachmentRef; caption: string };

const MARK = '{"parley":"attachment"';

export function encodeContent(c: Content): Uint8Array {
  if (c.kind === 'text') return utf8.encode(c.text);
  return utf8.encode(JSON.stringify({ parley: 'attachment', name: c.name, mime: c.mime, caption: c.caption,
    attachment: c.attachment }));
}

export function decodeContent(bytes: Uint8Array): Content {
  const text = utf8.decode(bytes);
  if (text.startsWith(MARK)) {
    try {
      const o = JSON.parse(text);
      const a = o.attachment;
      if (typeof o.name === 'string' && typeof o.mime === 'string' && a && typeof a.mediaId === 'string'
        && typeof a.key === 'string' && typeof a.sha256 === 'string') {
        return { kind: 'attachment', name: o.name, mime: o.mime, caption: typeof o.caption === 'string' ? o.caption : '',
          attachment: a as AttachmentRef };
      }
    } catch { /* shown as text */ }
  }
  return { kind: 'text', text };
}

export function preview(c: Content): string {
  return c.kind === 'text' ? c.text : `File: ${c.name}`;
}
