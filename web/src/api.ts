// The REST API (docs/api.md), on the page's own origin (the api role serves the app). Problem documents become
// ApiError with a message a person understands; an expired access token is refreshed once (refreshes are
// serialised: two racing refreshes of one token would revoke the device, docs/api.md "Refresh token").

export interface Session {
  userId: string;
  deviceId: string;
  username: string;
  accessToken: string;
  refreshToken: string;
}

export interface Gateway { url: string; nodeId: string; region: string; staleView: boolean }

export interface Chat {
  channelId: string; kind: 'dm' | 'group'; name: string | null; memberCount: number; lastSeq: number; ts: number;
  lastMessage: Record<string, unknown> | null; readSeq: number; unread: number; markedUnread: boolean; muted: boolean;
  peerUserId?: string; peerDeliveredSeq?: number; peerReadSeq?: number;
}

export interface Member { userId: string; username: string; displayName: string; role: string; joinedAt: string }
export interface Device { deviceId: string; name: string; createdAt: string; current: boolean; lastSeenAt?: string }
export interface User { userId: string; username: string; displayName: string }

const HUMAN: Record<string, string> = {
  invalid_credentials: 'Wrong username or password.',
  username_taken: 'That username is taken. Try another one.',
  invalid_username: 'Usernames are 3–32 letters, digits, "_" or ".", starting with a letter.',
  weak_password: 'Choose a longer password (at least 10 characters) that is not a common one and does not contain your username.',
  rate_limited: 'Too many attempts. Wait a little and try again.',
  device_limit_reached: 'This account has too many devices signed in. Remove one from another device first.',
  user_not_found: 'No user with that name.',
  not_a_member: 'You are no longer a member of this chat.',
  not_admin: 'Only the group’s admins can do that.',
  blocked: 'This person cannot be added (blocked).',
  already_member: 'Already a member.',
  member_limit_reached: 'The group is full.',
  not_a_group: 'Members of a direct chat cannot change.',
  invalid_refresh_token: 'Your session expired. Please log in again.',
  refresh_token_reused: 'Your session was ended for safety (it was used twice). Please log in again.',
  device_revoked: 'This device was removed from your account. Please log in again.',
  not_ready: 'The server is busy starting up. Retrying shortly…',
  no_gateway: 'No chat server can take you right now. Retrying…',
  discovery_unavailable: 'Cannot find a chat server right now. Retrying…',
  media_too_large: 'That file is too large.',
};

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly field?: string) {
    super(message);
  }
  get sessionOver(): boolean {
    return ['invalid_refresh_token', 'refresh_token_reused', 'device_revoked', 'token_revoked', 'session_expired'].includes(this.code);
  }
}

export function humanMessage(code: string, detail?: string): string {
  return HUMAN[code] ?? (detail ? `Refused: ${detail}` : `Refused (${code}).`);
}

const STORE_KEY = 'parley.session';

export class Api {
  session: Session | null;
  private refreshing: Promise<void> | null = null;
  onSessionEnded: (reason: string) => void = () => {};

  constructor(private readonly base = '', private readonly storage: Storage | null = globalThis.localStorage ?? null) {
    const saved = this.storage?.getItem(STORE_KEY);
    this.session = saved ? (JSON.parse(saved) as Session) : null;
  }

  private save(): void {
    if (this.session) this.storage?.setItem(STORE_KEY, JSON.stringify(this.session));
    else this.storage?.removeItem(STORE_KEY);
  }

  private async raw(method: string, path: string, body?: unknown, token?: string, extra?: RequestInit): Promise<Response> {
    const headers: Record<string, string> = {};
    if (body !== undefined && !(body instanceof Uint8Array)) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await fetch(this.base + path, {
        method, headers: { ...headers, ...(extra?.headers as Record<string, string> ?? {}) },
        body: body === undefined ? undefined : body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'offline', 'Cannot reach the server. Check your connection; retrying…');
    }
    if (!res.ok) {
      let code = `http_${res.status}`, detail: string | undefined, field: string | undefined;
      try {
        const p = await res.json();
        code = p.code ?? code; detail = p.detail; field = p.field;
      } catch { /* not a problem document */ }
      throw new ApiError(res.status, code, humanMessage(code, detail), field);
    }
    return res;
  }

  private async json<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
    const res = await this.raw(method, path, body, token);
    return res.status === 204 ? (undefined as T) : ((await res.json()) as T);
  }

  /** An authenticated call; refreshes the access token once when it expired. */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.withToken((t) => this.json<T>(method, path, body, t));
  }

  async withToken<T>(f: (token: string) => Promise<T>): Promise<T> {
    if (!this.session) throw new ApiError(401, 'session_expired', 'Please log in.');
    try {
      return await f(this.session.accessToken);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401 && e.code === 'invalid_token') {
        await this.refresh();
        return f(this.session!.accessToken);
      }
      if (e instanceof ApiError && e.sessionOver) this.end(e.message);
      throw e;
    }
  }

  refresh(): Promise<void> {
    if (!this.refreshing) {
      const s = this.session;
      if (!s) return Promise.reject(new ApiError(401, 'session_expired', 'Please log in.'));
      this.refreshing = this.json<{ accessToken: string; refreshToken: string }>('POST', '/v1/auth/refresh',
        { refreshToken: s.refreshToken })
        .then((p) => {
          this.session = { ...s, accessToken: p.accessToken, refreshToken: p.refreshToken };
          this.save();
        })
        .catch((e) => {
          if (e instanceof ApiError && e.status === 401) this.end(e.message);
          throw e;
        })
        .finally(() => { this.refreshing = null; });
    }
    return this.refreshing;
  }

  private end(reason: string): void {
    if (this.session) {
      this.session = null;
      this.save();
      this.onSessionEnded(reason);
    }
  }

  signup(username: string, password: string, displayName: string): Promise<User> {
    return this.json('POST', '/v1/auth/signup', { username, password, displayName });
  }

  /** Logs in as this browser's device (its id is kept per username, so a reload signs the same device in again). */
  async login(username: string, password: string): Promise<Gateway | undefined> {
    const known = this.storage?.getItem(`parley.device.${username.toLowerCase()}`);
    const body: Record<string, string> = { username, password, deviceName: deviceName() };
    if (known) body.deviceId = known;
    let p: Session & { gateway?: Gateway };
    try {
      p = await this.json('POST', '/v1/auth/login', body);
    } catch (e) {
      if (known && e instanceof ApiError && e.code === 'device_not_found') {
        this.storage?.removeItem(`parley.device.${username.toLowerCase()}`);
        return this.login(username, password);
      }
      throw e;
    }
    this.session = { userId: p.userId, deviceId: p.deviceId, username, accessToken: p.accessToken, refreshToken: p.refreshToken };
    this.storage?.setItem(`parley.device.${username.toLowerCase()}`, p.deviceId);
    this.save();
    return p.gateway;
  }

  async logout(): Promise<void> {
    try { await this.call('POST', '/v1/auth/logout'); } finally { this.session = null; this.save(); }
  }

  gateway(previousNodeId?: string): Promise<Gateway> {
    return this.call('GET', '/v1/gateway' + (previousNodeId ? `?previousNodeId=${encodeURIComponent(previousNodeId)}` : ''));
  }

  me(): Promise<User> { return this.call('GET', '/v1/me'); }
  userByName(username: string): Promise<User> { return this.call('GET', `/v1/users/by-username/${encodeURIComponent(username)}`); }
  chats(cursor?: string): Promise<{ chats: Chat[]; nextCursor: string | null }> {
    return this.call('GET', `/v1/chats?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
  }
  chat(channelId: string): Promise<Chat> { return this.call('GET', `/v1/chats/${channelId}`); }
  markRead(channelId: string, seq: number): Promise<unknown> { return this.call('POST', `/v1/chats/${channelId}/read`, { seq }); }
  markUnread(channelId: string): Promise<unknown> { return this.call('POST', `/v1/chats/${channelId}/unread`); }
  history(channelId: string, q: { before?: number; after?: number; limit?: number }):
    Promise<{ messages: Record<string, unknown>[]; hasMore: boolean }> {
    const params = new URLSearchParams();
    if (q.after !== undefined) params.set('after', String(q.after));
    if (q.before !== undefined) params.set('before', String(q.before));
    params.set('limit', String(q.limit ?? 50));
    return this.call('GET', `/v1/channels/${channelId}/messages?${params}`);
  }
  createDm(userId: string): Promise<{ channelId: string }> { return this.call('POST', '/v1/channels/dm', { userId }); }
  createGroup(name: string, memberIds: string[]): Promise<{ channelId: string }> {
    return this.call('POST', '/v1/channels', { name, memberIds });
  }
  members(channelId: string): Promise<{ members: Member[] }> { return this.call('GET', `/v1/channels/${channelId}/members`); }
  addMember(channelId: string, userId: string): Promise<Member> { return this.call('POST', `/v1/channels/${channelId}/members`, { userId }); }
  removeMember(channelId: string, userId: string): Promise<void> { return this.call('DELETE', `/v1/channels/${channelId}/members/${userId}`); }
  devices(): Promise<{ devices: Device[] }> { return this.call('GET', '/v1/devices'); }
  removeDevice(deviceId: string): Promise<void> { return this.call('DELETE', `/v1/devices/${deviceId}`); }
  presence(userIds: string[]): Promise<{ users: { userId: string; online: boolean; lastSeen?: string }[] }> {
    return this.call('GET', `/v1/presence?userIds=${userIds.join(',')}`);
  }

  registerSignatureKey(signatureKey: string): Promise<unknown> { return this.call('PUT', '/v1/keys/signature-key', { signatureKey }); }
  uploadKeyPackages(oneTime: string[], lastResort?: string): Promise<{ oneTimeStock: number; lastResort: boolean }> {
    return this.call('POST', '/v1/keys/key-packages', lastResort ? { oneTime, lastResort } : { oneTime });
  }

  /** Raw authenticated request for the media routes (binary bodies, headers). */
  media(method: string, path: string, body?: Uint8Array | unknown, headers?: Record<string, string>): Promise<Response> {
    return this.withToken((t) => this.raw(method, path, body, t, { headers }));
  }
}

function deviceName(): string {
  const ua = globalThis.navigator?.userAgent ?? '';
  const browser = /Firefox\//.test(ua) ? 'Firefox' : /Chrom(e|ium)\//.test(ua) ? 'Chromium' : /Safari\//.test(ua) ? 'Safari' : 'Browser';
  return `${browser} (web)`;
}
