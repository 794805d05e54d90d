import { Api, ApiError } from './api';
import { fromBase64, toBase64, toHex } from './proto/b64';
import { AttachmentRef } from './content';

// Attachments (docs/media.md): the file is sealed in the browser with a fresh AES-256-GCM key, in 64 KiB chunks,
// chunk i under the 12-byte big-endian nonce i with one byte of associated data (1 = final chunk) — the same
// format as the Java client's AttachmentCipher, so either side opens the other's files. Only ciphertext is uploaded.

export const CHUNK = 64 * 1024;

function nonce(i: number): Uint8Array {
  const n = new Uint8Array(12);
  new DataView(n.buffer).setUint32(8, i);
  return n;
}

export async function seal(plain: Uint8Array, rawKey: Uint8Array): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', rawKey as BufferSource, 'AES-GCM', false, ['encrypt']);
  const chunks = Math.floor(plain.length / CHUNK) + 1;
  const out = new Uint8Array(plain.length + 16 * chunks);
  let o = 0;
  for (let i = 0; i < chunks; i++) {
    const part = plain.subarray(i * CHUNK, Math.min(plain.length, (i + 1) * CHUNK));
    const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: nonce(i) as BufferSource,
      additionalData: Uint8Array.of(i === chunks - 1 ? 1 : 0) as BufferSource }, key, part as BufferSource));
    out.set(sealed, o);
    o += sealed.length;
  }
  return out;
}

export async function open(sealed: Uint8Array, rawKey: Uint8Array): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', rawKey as BufferSource, 'AES-GCM', false, ['decrypt']);
  const step = CHUNK + 16;
  const chunks = Math.floor(sealed.length / step) + 1;
  if (sealed.length % step < 16) throw new Error('attachment is cut short');
  const out = new Uint8Array(sealed.length - 16 * chunks);
  let o = 0;
  for (let i = 0; i < chunks; i++) {
    const part = sealed.subarray(i * step, Math.min(sealed.length, (i + 1) * step));
    const plain = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: nonce(i) as BufferSource,
      additionalData: Uint8Array.of(i === chunks - 1 ? 1 : 0) as BufferSource }, key, part as BufferSource));
    out.set(plain, o);
    o += plain.length;
  }
  return out;
}

async function sha256(b: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', b as BufferSource));
}

/** Encrypts and uploads a file into the channel; returns what the message must carry. */
export async function upload(api: Api, channelId: string, file: Uint8Array): Promise<AttachmentRef> {
  const key = crypto.getRandomValues(new Uint8Array(32));
  const sealed = await seal(file, key);
  const digest = toHex(await sha256(sealed));
  const created = await (await api.media('POST', '/v1/media', { channelId, size: sealed.length, sha256: digest })).json();
  await api.media('PATCH', `/v1/media/${created.mediaId}/upload`, sealed,
    { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' });
  await api.media('POST', `/v1/media/${created.mediaId}/finish`);
  return { mediaId: created.mediaId, channelId, key: toBase64(key), sha256: digest, size: sealed.length, plaintextSize: file.length };
}

/** Ties the attachment to the message that carries it, so the server keeps it (docs/media.md "Lifecycle"). */
export async function bind(api: Api, mediaId: string, seq: number): Promise<void> {
  await api.media('POST', `/v1/media/${mediaId}/bind`, { seq });
}

/** Downloads, checks the digest the message names, and decrypts. */
export async function download(api: Api, a: AttachmentRef): Promise<Uint8Array> {
  const res = await api.media('GET', `/v1/media/${a.mediaId}`);
  const sealed = new Uint8Array(await res.arrayBuffer());
  if (toHex(await sha256(sealed)) !== a.sha256) {
    throw new ApiError(0, 'digest_mismatch', 'The file was altered on the way; it was not opened.');
  }
  return open(sealed, fromBase64(a.key));
}
