import { App, errorText } from './app';
import { clear, h, lastSeenText, timeOf } from './dom';
import { Shown } from './store';

// The screens. The skeleton of the main screen is built once (so the composer keeps its text and focus); lists,
// headers and messages are redrawn from the Store on each (batched) change.

interface Skeleton { root: HTMLElement; status: HTMLElement; me: HTMLElement; list: HTMLElement; head: HTMLElement;
  banner: HTMLElement; messages: HTMLElement; typing: HTMLElement; composer: HTMLElement; input: HTMLInputElement; error: HTMLElement }

let sk: Skeleton | null = null;
let mode: 'login' | 'main' | null = null;

export function render(app: App, root: HTMLElement): void {
  if (!app.loggedIn) {
    if (mode !== 'login') { sk = null; mode = 'login'; clear(root); root.append(loginScreen(app)); }
    const err = root.querySelector('[data-testid=login-error]');
    if (err && app.notice) err.textContent = app.notice;
    return;
  }
  if (mode !== 'main' || !sk) { mode = 'main'; clear(root); sk = skeleton(app); root.append(sk.root); }
  drawTop(app, sk);
  drawList(app, sk);
  drawPane(app, sk);
}

function loginScreen(app: App): HTMLElement {
  const user = h('input', { placeholder: 'Username', autocomplete: 'username', 'data-testid': 'login-username' });
  const pass = h('input', { type: 'password', placeholder: 'Password', autocomplete: 'current-password', 'data-testid': 'login-password' });
  const name = h('input', { placeholder: 'Display name (sign up only)', 'data-testid': 'login-displayname' });
  const error = h('div', { class: 'error', 'data-testid': 'login-error' }, app.notice);
  const busy = (f: () => Promise<void>) => async () => {
    error.textContent = '';
    try { await f(); } catch (e) { error.textContent = errorText(e); }
  };
  return h('div', { class: 'login' }, h('h2', {}, 'Parley'), user, pass, name,
    h('div', { class: 'row' },
      h('button', { class: 'primary', 'data-testid': 'btn-login', onclick: busy(() => app.login(user.value, pass.value)) }, 'Log in'),
      h('button', { 'data-testid': 'btn-signup', onclick: busy(() => app.signup(user.value, pass.value, name.value || user.value)) }, 'Sign up')),
    error);
}

function skeleton(app: App): Skeleton {
  const status = h('span', { class: 'status', 'data-testid': 'conn-status' });
  const me = h('span', { class: 'me', 'data-testid': 'me' });
  const error = h('span', { class: 'error', 'data-testid': 'app-error' });
  const act = (f: () => Promise<void>) => async () => {
    error.textContent = '';
    try { await f(); } catch (e) { error.textContent = errorText(e); }
  };
  const input = h('input', { type: 'text', placeholder: 'Write a message', 'data-testid': 'composer-input',
    oninput: () => app.typing(),
    onkeydown: (e: Event) => { if ((e as KeyboardEvent).key === 'Enter') void sendNow(); } });
  const sendNow = act(async () => { const text = input.value; input.value = ''; await app.sendText(text); });
  const file = h('input', { type: 'file', class: 'hidden', 'data-testid': 'composer-file',
    onchange: act(async () => { const f = file.files?.[0]; file.value = ''; if (f) await app.sendFile(f, ''); }) });
  const composer = h('div', { class: 'composer' }, file,
    h('button', { title: 'Attach a file', 'data-testid': 'btn-attach', onclick: () => file.click() }, 'Attach'), input,
    h('button', { class: 'primary', 'data-testid': 'btn-send', onclick: sendNow }, 'Send'));
  const top = h('div', { class: 'top' }, me, status, error, h('span', { class: 'spacer' }),
    h('button', { 'data-testid': 'btn-new-chat', onclick: () => newChatDialog(app) }, 'New chat'),
    h('button', { 'data-testid': 'btn-devices', onclick: () => void devicesDialog(app) }, 'Devices'),
    h('button', { 'data-testid': 'btn-logout', onclick: act(() => app.logout()) }, 'Log out'));
  const list = h('div', { class: 'list', 'data-testid': 'chat-list' });
  const head = h('div', { class: 'pane-head' });
  const banner = h('div', { class: 'banner hidden', 'data-testid': 'banner' });
  const messages = h('div', { class: 'messages', 'data-testid': 'messages',
    onscroll: () => { if (messages.scrollTop === 0) void app.loadOlder().catch(() => undefined); } });
  const typing = h('div', { class: 'typing', 'data-testid': 'typing' });
  const pane = h('div', { class: 'pane' }, head, banner, messages, typing, composer);
  const root = h('div', { class: 'app' }, top, list, pane);
  return { root, status, me, list, head, banner, messages, typing, composer, input, error };
}

function drawTop(app: App, s: Skeleton): void {
  s.me.textContent = app.api.session?.username ?? '';
  s.status.className = `status ${app.state.conn}`;
  s.status.textContent = app.state.detail || app.state.conn;
}

function drawList(app: App, s: Skeleton): void {
  clear(s.list);
  for (const c of app.store.sortedChats()) {
    const p = c.peerUserId ? app.store.presence.get(c.peerUserId) : undefined;
    const badge = c.unread > 0 ? h('span', { class: 'badge', 'data-testid': 'chat-unread' }, String(c.unread))
      : c.markedUnread ? h('span', { class: 'badge marked', 'data-testid': 'chat-unread' }, '•') : null;
    s.list.append(h('div', { class: `item${c.channelId === app.openId ? ' open' : ''}`, 'data-testid': 'chat-item',
      'data-channel': c.channelId, 'data-title': c.title, onclick: () => void app.open(c.channelId).catch((e) => showError(s, e)) },
      h('div', { class: `dot ${c.kind !== 'dm' ? 'none' : p?.online ? 'online' : ''}`, 'data-testid': 'presence-dot' }),
      h('div', { class: 'title' }, c.title),
      h('div', { class: 'meta' }, c.ts ? timeOf(c.ts) : '', ' ', badge),
      h('div', { class: 'preview' }, c.preview),
      h('div', { class: 'meta' }, c.unread === 0 && !c.markedUnread
        ? h('button', { title: 'Mark as unread', 'data-testid': 'btn-mark-unread',
          onclick: (e: Event) => { e.stopPropagation(); void app.markUnread(c.channelId).catch((err) => showError(s, err)); } }, 'Unread')
        : null)));
  }
  if (app.store.chats.size === 0) s.list.append(h('div', { class: 'empty' }, 'No chats yet. Start one with “New chat”.'));
}

function drawPane(app: App, s: Skeleton): void {
  clear(s.head);
  const id = app.openId;
  s.composer.classList.toggle('hidden', !id);
  if (!id) {
    clear(s.messages);
    s.messages.append(h('div', { class: 'empty' }, 'Pick a chat.'));
    s.typing.textContent = '';
    s.banner.classList.add('hidden');
    return;
  }
  const c = app.store.chats.get(id);
  const t = app.store.thread(id);
  const p = c?.peerUserId ? app.store.presence.get(c.peerUserId) : undefined;
  const sub = c?.kind === 'dm' ? (p?.online ? 'online' : lastSeenText(p?.lastSeen)) : `${t.members.length || c?.memberCount || 0} members`;
  s.head.append(h('div', { class: 'grow' }, h('div', { class: 'title', 'data-testid': 'thread-title' }, c?.title ?? ''),
    h('div', { class: 'sub', 'data-testid': 'thread-sub' }, sub)),
    c?.kind === 'group' ? h('button', { 'data-testid': 'btn-members', onclick: () => membersDialog(app) }, 'Members') : '');
  s.banner.classList.toggle('hidden', !t.violation);
  s.banner.textContent = t.violation ?? '';
  const atBottom = s.messages.scrollHeight - s.messages.scrollTop - s.messages.clientHeight < 40;
  const oldHeight = s.messages.scrollHeight, oldTop = s.messages.scrollTop;
  clear(s.messages);
  if (t.hasOlder && t.loaded) {
    s.messages.append(h('button', { 'data-testid': 'btn-older', onclick: () => void app.loadOlder().catch((e) => showError(s, e)) }, 'Load older messages'));
  }
  const mine = app.store.me;
  for (const m of [...t.messages.values()].sort((a, b) => a.seq - b.seq)) s.messages.append(message(app, id, m, m.sender === mine));
  for (const pnd of t.pending) {
    s.messages.append(h('div', { class: `msg mine ${pnd.state === 'failed' ? 'failed' : 'pending'}`, 'data-testid': 'message-pending' },
      pnd.content.kind === 'text' ? pnd.content.text : `File: ${pnd.content.name}`,
      h('div', { class: 'when' }, pnd.state === 'failed' ? pnd.error ?? 'Not sent.' : 'Sending…')));
  }
  if (atBottom || oldTop === 0 && oldHeight <= s.messages.clientHeight) s.messages.scrollTop = s.messages.scrollHeight;
  else if (oldTop === 0) s.messages.scrollTop = s.messages.scrollHeight - oldHeight;
  const typers = app.store.typingNames(id, Date.now());
  s.typing.textContent = typers.length ? `${typers.join(', ')} ${typers.length > 1 ? 'are' : 'is'} typing…` : '';
}

function message(app: App, channelId: string, m: Shown, mine: boolean): HTMLElement {
  const c = app.store.chats.get(channelId);
  const status = mine ? app.store.status(channelId, m.seq) : null;
  const body: (Node | string)[] = [];
  if (m.content.kind === 'text') {
    body.push(m.content.text);
  } else {
    const a = m.content;
    if (a.mime.startsWith('image/')) {
      const img = h('img', { alt: a.name, 'data-testid': 'attachment-image' });
      void app.image(a.attachment.mediaId, a).then((url) => { img.src = url; }).catch(() => { img.alt = `${a.name} (could not be opened)`; });
      body.push(img);
    }
    body.push(h('button', { 'data-testid': 'attachment-download', onclick: () => void app.image(a.attachment.mediaId, a).then((url) => {
      const link = h('a', { href: url, download: a.name });
      link.click();
    }) }, `Download ${a.name}`));
    if (a.caption) body.push(a.caption);
  }
  return h('div', { class: `msg${mine ? ' mine' : ''}`, 'data-testid': 'message', 'data-seq': m.seq },
    !mine && c?.kind === 'group' ? h('div', { class: 'who' }, app.store.nameOf(m.sender)) : null,
    ...body,
    h('div', { class: 'when' }, timeOf(m.ts), status ? h('span', { 'data-testid': 'receipt' }, ` · ${receiptText(status, c?.kind === 'dm')}`) : null));
}

function receiptText(s: { read: number; delivered: number; others: number }, dm: boolean): string {
  if (dm || s.others <= 1) return s.others > 0 && s.read === s.others ? 'Read' : s.others > 0 && s.delivered === s.others ? 'Delivered' : 'Sent';
  if (s.read > 0) return `Read by ${s.read} of ${s.others}`;
  return s.delivered > 0 ? `Delivered to ${s.delivered} of ${s.others}` : 'Sent';
}

function showError(s: Skeleton, e: unknown): void {
  s.error.textContent = errorText(e);
}

function dialog(title: string, ...content: (Node | string)[]): { el: HTMLElement; close: () => void; error: HTMLElement } {
  const error = h('div', { class: 'error', 'data-testid': 'dialog-error' });
  const el = h('div', { class: 'dialog', 'data-testid': 'dialog' });
  const close = () => el.remove();
  el.append(h('div', {}, h('h3', {}, title), ...content, error, h('button', { 'data-testid': 'dialog-close', onclick: close }, 'Close')));
  document.body.append(el);
  return { el, close, error };
}

function guarded(error: HTMLElement, f: () => Promise<void>): () => Promise<void> {
  return async () => {
    error.textContent = '';
    try { await f(); } catch (e) { error.textContent = errorText(e); }
  };
}

function newChatDialog(app: App): void {
  const dmUser = h('input', { placeholder: 'Username', 'data-testid': 'dm-username' });
  const groupName = h('input', { placeholder: 'Group name', 'data-testid': 'group-name' });
  const groupUsers = h('input', { placeholder: 'Usernames, comma-separated', 'data-testid': 'group-usernames' });
  const dmBtn = h('button', { class: 'primary', 'data-testid': 'btn-start-dm' }, 'Start direct chat');
  const groupBtn = h('button', { class: 'primary', 'data-testid': 'btn-create-group' }, 'Create group');
  const d = dialog('New chat', h('div', { class: 'row' }, dmUser, dmBtn), h('div', { class: 'row' }, groupName), h('div', { class: 'row' }, groupUsers, groupBtn));
  dmBtn.onclick = guarded(d.error, async () => { await app.startDm(dmUser.value); d.close(); });
  groupBtn.onclick = guarded(d.error, async () => { await app.createGroup(groupName.value, groupUsers.value.split(',')); d.close(); });
}

function membersDialog(app: App): void {
  const id = app.openId;
  if (!id) return;
  const list = h('div', { 'data-testid': 'members-list' });
  const add = h('input', { placeholder: 'Username to add', 'data-testid': 'member-username' });
  const addBtn = h('button', { class: 'primary', 'data-testid': 'btn-add-member' }, 'Add');
  const d = dialog('Members', list, h('div', { class: 'row' }, add, addBtn));
  const draw = () => {
    clear(list);
    for (const m of app.store.thread(id).members) {
      list.append(h('div', { class: 'row', 'data-testid': 'member' }, h('span', { class: 'grow' }, `${m.displayName} (@${m.username})${m.role === 'admin' ? ' · admin' : ''}`),
        h('button', { 'data-testid': 'btn-remove-member', onclick: guarded(d.error, async () => { await app.removeMember(m.userId); draw(); }) },
          m.userId === app.store.me ? 'Leave' : 'Remove')));
    }
  };
  addBtn.onclick = guarded(d.error, async () => { await app.addMember(add.value); add.value = ''; draw(); });
  draw();
}

async function devicesDialog(app: App): Promise<void> {
  const list = h('div', { 'data-testid': 'devices-list' });
  const d = dialog('Your devices', list);
  const draw = guarded(d.error, async () => {
    const { devices } = await app.api.devices();
    clear(list);
    for (const dev of devices) {
      list.append(h('div', { class: 'row', 'data-testid': 'device' }, h('span', { class: 'grow' }, `${dev.name}${dev.current ? ' (this device)' : ''}`),
        dev.current ? null : h('button', { 'data-testid': 'btn-remove-device', onclick: guarded(d.error, async () => { await app.api.removeDevice(dev.deviceId); await draw(); }) }, 'Remove')));
    }
  });
  await draw();
}
