// End-to-end test of the web client in Debian's Chromium (playwright-core, never a downloaded browser), against a
// real local cluster whose api role serves the built app. Started by verticles/node WebClientIT (which starts the
// node JVMs), or by hand against `scripts/up`:  PARLEY_WEB_URL=http://127.0.0.1:8080 node e2e/run.mjs
//
// Optional Java-client peer: when PARLEY_E2E_PEER is set (a username), the driver asks its parent over stdout
// ({"ask":...} lines) to have that Java-client user send a message and to confirm what it received; the parent
// answers on stdin with one JSON line per ask.
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const URL_ = process.env.PARLEY_WEB_URL ?? 'http://127.0.0.1:8080';
const OUT = process.env.PARLEY_E2E_OUT ?? 'test-output/e2e';
const CHROMIUM = process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium';
const PEER = process.env.PARLEY_E2E_PEER ?? '';
const DEADLINE_MS = Number(process.env.PARLEY_E2E_TIMEOUT_MS ?? 240000);
const WAIT = 20000;
mkdirSync(OUT, { recursive: true });

const tag = Math.random().toString(36).slice(2, 8);
const password = `Blue-Kettle-${tag}-9`;
let shot = 0;
const log = (...a) => console.error(`[e2e ${new Date().toISOString().slice(11, 19)}]`, ...a);
const fail = (msg) => { throw new Error(msg); };

// Parent questions (Java-client peer).
const answers = [];
let waiting = null;
createInterface({ input: process.stdin }).on('line', (line) => {
  if (waiting) { const w = waiting; waiting = null; w(JSON.parse(line)); } else answers.push(JSON.parse(line));
});
function ask(q) {
  process.stdout.write(JSON.stringify(q) + '\n');
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer to ${q.ask}`)), WAIT * 2);
    const done = (a) => { clearTimeout(t); a.ok ? resolve(a) : reject(new Error(`${q.ask}: ${a.error}`)); };
    if (answers.length) done(answers.shift()); else waiting = done;
  });
}

const dataDir = mkdtempSync(join(tmpdir(), 'parley-e2e-chromium-'));
const browser = await chromium.launch({
  executablePath: CHROMIUM, headless: true, timeout: 60000,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--disk-cache-dir=${dataDir}`],
});
const killer = setTimeout(() => {
  log(`deadline of ${DEADLINE_MS} ms passed: killing the browser`);
  try { process.kill(browser.process?.()?.pid ?? 0, 'SIGKILL'); } catch { /* gone */ }
  process.exit(3);
}, DEADLINE_MS);

const problems = [];
async function user(name) {
  // Each user is its own browser context: separate storage, i.e. a separate browser profile and device.
  const context = await browser.newContext({ viewport: { width: 1100, height: 700 } });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`${name}: console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`${name}: page error: ${e.message}`));
  await page.goto(URL_);
  return { name, context, page };
}

async function snap(u, what) {
  const file = join(OUT, `${String(++shot).padStart(2, '0')}-${u.name}-${what}.png`);
  await u.page.screenshot({ path: file });
  log(`screenshot ${file}`);
}

async function online(u) {
  await u.page.waitForSelector('[data-testid=conn-status].online', { timeout: WAIT });
}

async function signup(u, username) {
  await u.page.getByTestId('login-username').fill(username);
  await u.page.getByTestId('login-password').fill(password);
  await u.page.getByTestId('login-displayname').fill(username.split('_')[0]);
  await u.page.getByTestId('btn-signup').click();
  await online(u);
}

async function gatewayOf(u) {
  return u.page.evaluate(() => globalThis.parley.conn?.gatewayNode);
}

async function listTitles(u) {
  return u.page.$$eval('[data-testid=chat-item]', (els) => els.map((e) => e.getAttribute('data-title')));
}

async function waitTitles(u, expected) {
  await u.page.waitForFunction((exp) => {
    const t = [...document.querySelectorAll('[data-testid=chat-item]')].map((e) => e.getAttribute('data-title'));
    return JSON.stringify(t.slice(0, exp.length)) === JSON.stringify(exp);
  }, expected, { timeout: WAIT }).catch(async () => fail(`${u.name}: chat list ${JSON.stringify(await listTitles(u))}, expected ${JSON.stringify(expected)} first`));
}

async function unreadOf(u, title) {
  return u.page.$eval(`[data-testid=chat-item][data-title="${title}"]`, (e) => e.querySelector('[data-testid=chat-unread]')?.textContent ?? '0');
}

async function waitUnread(u, title, expected) {
  await u.page.waitForFunction(([t, n]) => {
    const item = document.querySelector(`[data-testid=chat-item][data-title="${t}"]`);
    return item && (item.querySelector('[data-testid=chat-unread]')?.textContent ?? '0') === n;
  }, [title, expected], { timeout: WAIT }).catch(async () => fail(`${u.name}: unread of ${title} is ${await unreadOf(u, title).catch(() => 'missing')}, expected ${expected}`));
}

async function openChat(u, title) {
  await u.page.click(`[data-testid=chat-item][data-title="${title}"]`);
  await u.page.waitForFunction((t) => document.querySelector('[data-testid=thread-title]')?.textContent === t, title, { timeout: WAIT });
}

async function send(u, text) {
  await u.page.getByTestId('composer-input').fill(text);
  await u.page.getByTestId('btn-send').click();
  await u.page.waitForFunction((t) => [...document.querySelectorAll('[data-testid=message]')].some((m) => m.textContent.includes(t)), text, { timeout: WAIT });
}

async function sees(u, text) {
  await u.page.waitForFunction((t) => [...document.querySelectorAll('[data-testid=message]')].some((m) => m.textContent.includes(t)), text, { timeout: WAIT })
    .catch(() => fail(`${u.name} does not see "${text}"`));
}

async function messageCount(u) {
  return u.page.$$eval('[data-testid=message]', (els) => els.length);
}

let exitCode = 0;
try {
  const alice = await user('alice');
  const bob = await user('bob');
  const aliceName = `alice_${tag}`, bobName = `bob_${tag}`;

  // 1. Sign up (each device registers) and connect through discovery.
  await signup(alice, aliceName);
  await signup(bob, bobName);
  const [gwA, gwB] = [await gatewayOf(alice), await gatewayOf(bob)];
  log(`alice on ${gwA}, bob on ${gwB}`);
  if (!gwA || !gwB || gwA === gwB) fail(`the two users should be on different gateways (discovery spreads them): ${gwA}, ${gwB}`);
  await snap(alice, 'signed-up');

  // 2. A group and a DM, created in the UI.
  const group = `Team ${tag}`;
  await alice.page.getByTestId('btn-new-chat').click();
  await alice.page.getByTestId('group-name').fill(group);
  await alice.page.getByTestId('group-usernames').fill(PEER ? `${bobName},${PEER}` : bobName);
  await alice.page.getByTestId('btn-create-group').click();
  await alice.page.waitForFunction((t) => document.querySelector('[data-testid=thread-title]')?.textContent === t, group, { timeout: WAIT });
  await send(alice, 'hello team from alice');
  await send(alice, 'second message');
  await alice.page.getByTestId('btn-new-chat').click();
  await alice.page.getByTestId('dm-username').fill(bobName);
  await alice.page.getByTestId('btn-start-dm').click();
  await alice.page.waitForFunction((t) => document.querySelector('[data-testid=thread-title]')?.textContent === t, 'bob', { timeout: WAIT });
  await send(alice, 'a direct hello');
  await snap(alice, 'group-and-dm');

  // 3. Bob's list: live, ordered by latest message, unread counts exact.
  await waitTitles(bob, ['alice', group]);
  await waitUnread(bob, 'alice', '1');
  await waitUnread(bob, group, '2');
  await snap(bob, 'list-live');
  await alice.page.click(`[data-testid=chat-item][data-title="${group}"]`);
  await send(alice, 'group moves up');
  await waitTitles(bob, [group, 'alice']);
  await waitUnread(bob, group, '3');
  await snap(bob, 'list-reordered');

  // 4. Bob reads and answers; Alice sees it live, and her messages turn "Read".
  await openChat(bob, group);
  await sees(bob, 'hello team from alice');
  await waitUnread(bob, group, '0');
  await send(bob, 'hi alice, bob here');
  await sees(alice, 'hi alice, bob here');
  await alice.page.waitForFunction(() => [...document.querySelectorAll('[data-testid=receipt]')].some((r) => r.textContent.includes('Read')), null, { timeout: WAIT })
    .catch(() => fail('alice never saw a read receipt'));
  await snap(alice, 'reply-and-receipt');

  // 5. Typing shows on the other side.
  await bob.page.getByTestId('composer-input').type('typing…', { delay: 20 });
  await alice.page.waitForFunction(() => /typing/.test(document.querySelector('[data-testid=typing]')?.textContent ?? ''), null, { timeout: WAIT })
    .catch(() => fail('alice never saw bob typing'));
  await snap(alice, 'typing');
  await bob.page.getByTestId('composer-input').fill('');

  // 6. An attachment: sealed in Alice's browser, opened and previewed in Bob's.
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAGklEQVR4nGP8z8BQz0AEYBxVSF+FoQEAAO0DH3RX+gsAAAAASUVORK5CYII=', 'base64');
  await alice.page.getByTestId('composer-file').setInputFiles({ name: 'square.png', mimeType: 'image/png', buffer: png });
  await bob.page.waitForFunction(() => [...document.querySelectorAll('[data-testid=attachment-image]')].some((i) => i.src.startsWith('blob:') && i.naturalWidth === 16), null, { timeout: WAIT })
    .catch(() => fail('bob never saw the decrypted image'));
  await snap(bob, 'attachment');

  // 7. The Java-client member: it sends, the browsers show it; it received the browsers' messages.
  if (PEER) {
    await ask({ ask: 'javaSend', group, text: 'hello from the java client' });
    await sees(alice, 'hello from the java client');
    await sees(bob, 'hello from the java client');
    await ask({ ask: 'javaReceived', texts: ['hello team from alice', 'hi alice, bob here'] });
    await snap(bob, 'java-peer');
  }

  // 8. History paging: 60 more messages, then a reload shows the newest page and loads older ones on demand.
  await alice.page.evaluate(async () => { for (let i = 1; i <= 60; i++) await globalThis.parley.sendText(`bulk ${i}`); });
  await sees(bob, 'bulk 60');
  await bob.page.reload();
  await online(bob);
  await openChat(bob, group);
  await sees(bob, 'bulk 60');
  const firstPage = await messageCount(bob);
  if (firstPage >= 60 || firstPage < 10) fail(`first history page after reload has ${firstPage} messages`);
  for (let i = 0; i < 5 && !(await bob.page.$$eval('[data-testid=message]', (els) => els.some((e) => e.textContent.includes('hello team from alice')))); i++) {
    const before = await messageCount(bob); // counted before the click: the page may load faster than we look
    await bob.page.getByTestId('btn-older').click();
    await bob.page.waitForFunction((n) => document.querySelectorAll('[data-testid=message]').length > n, before, { timeout: WAIT })
      .catch(async () => fail(`"Load older" did not add messages (still ${await messageCount(bob)})`));
  }
  await sees(bob, 'hello team from alice');
  await snap(bob, 'reload-history');

  // 9. Presence: Bob's DM with Alice shows her online; mark-unread shows a mark.
  await openChat(bob, 'alice');
  await bob.page.waitForFunction(() => document.querySelector('[data-testid=thread-sub]')?.textContent === 'online', null, { timeout: WAIT })
    .catch(() => fail('alice is not shown online to bob'));
  await bob.page.click('[data-testid=chat-item][data-title="alice"] [data-testid=btn-mark-unread]');
  await waitUnread(bob, 'alice', '•');
  await snap(bob, 'presence-mark-unread');

  // 9b. Connection loss: Bob's socket drops; he reconnects (backoff, discovery) and catches up what he missed.
  await bob.page.evaluate(() => globalThis.parley.conn.dropForTest());
  await alice.page.click('[data-testid=chat-item][data-title="bob"]');
  await send(alice, 'sent while you were away');
  await online(bob);
  await openChat(bob, 'alice');
  await sees(bob, 'sent while you were away');
  await snap(bob, 'reconnected');

  // 10. A new browser device of Bob reads new messages; his device list shows both.
  const bob2 = await user('bob2');
  await bob2.page.getByTestId('login-username').fill(bobName);
  await bob2.page.getByTestId('login-password').fill(password);
  await bob2.page.getByTestId('btn-login').click();
  await online(bob2);
  await alice.page.click(`[data-testid=chat-item][data-title="${group}"]`);
  await send(alice, 'for every device');
  await openChat(bob2, group);
  await sees(bob2, 'for every device');
  await bob2.page.getByTestId('btn-devices').click();
  await bob2.page.waitForFunction(() => document.querySelectorAll('[data-testid=device]').length === 2, null, { timeout: WAIT })
    .catch(() => fail('bob2 does not list two devices'));
  await snap(bob2, 'second-device');

  // 11. Errors people understand: a wrong password.
  const eve = await user('eve');
  await eve.page.getByTestId('login-username').fill(bobName);
  await eve.page.getByTestId('login-password').fill('not-the-password-1');
  await eve.page.getByTestId('btn-login').click();
  await eve.page.waitForFunction(() => document.querySelector('[data-testid=login-error]')?.textContent === 'Wrong username or password.', null, { timeout: WAIT })
    .catch(() => fail('a wrong password is not explained'));
  await snap(eve, 'wrong-password');

  // 12. Log out returns to the login screen.
  await alice.page.getByTestId('btn-logout').click();
  await alice.page.waitForSelector('[data-testid=btn-login]', { timeout: WAIT });

  const serious = problems.filter((p) => !/favicon|Failed to load resource/.test(p));
  if (serious.length) fail(`browser errors:\n${serious.join('\n')}`);
  log('PASS');
  console.log(JSON.stringify({ done: true, ok: true, screenshots: shot }));
} catch (e) {
  exitCode = 1;
  log('FAIL', e.message);
  console.log(JSON.stringify({ done: true, ok: false, error: e.message }));
  try {
    for (const ctx of browser.contexts()) for (const p of ctx.pages()) await p.screenshot({ path: join(OUT, `failure-${++shot}.png`) });
  } catch { /* best effort */ }
  writeFileSync(join(OUT, 'problems.txt'), problems.join('\n'));
} finally {
  clearTimeout(killer);
  await browser.close().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(exitCode);
