// Web client benchmark (figures, not a test): run by verticles/node WebClientBenchmark against its own two-node
// cluster, or by hand against `scripts/up`:  PARLEY_WEB_URL=http://127.0.0.1:8080 node e2e/bench.mjs
// Measures (1) page load to a 200-chat list shown, (2) the bundle's gzip size, (3) send-to-render latency between
// two browsers on two gateways over N messages (p50/p99). Prints one JSON line on stdout.
import { chromium } from 'playwright-core';
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const URL_ = process.env.PARLEY_WEB_URL ?? 'http://127.0.0.1:8080';
const CHATS = Number(process.env.BENCH_CHATS ?? 200);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 500);
const RATE = Number(process.env.BENCH_RATE ?? 20); // messages per second offered by the sender
const log = (...a) => console.error('[bench]', ...a);
const tag = Math.random().toString(36).slice(2, 8);
const password = `Bench-Kettle-${tag}-7`;

async function rest(method, path, body, token) {
  const res = await fetch(URL_ + path, { method, headers: { ...(body ? { 'content-type': 'application/json' } : {}),
    ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body ? JSON.stringify(body) : undefined });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}
async function account(name) {
  const u = await rest('POST', '/v1/auth/signup', { username: name, password, displayName: name });
  const t = await rest('POST', '/v1/auth/login', { username: name, password, deviceName: 'bench setup' });
  return { ...u, token: t.accessToken };
}
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p / 100 * s.length))]; };

// (2) bundle
const assets = readdirSync('dist/assets').filter((f) => /\.(js|css)$/.test(f));
const gz = Object.fromEntries(assets.map((f) => [f, gzipSync(readFileSync(`dist/assets/${f}`)).length]));
const bundle = { totalGzipBytes: Object.values(gz).reduce((a, b) => a + b, 0), files: gz };

// Set-up over REST: a user in CHATS chats (3/4 groups, 1/4 DMs with their own peers), and a partner.
const main = await account(`bmain_${tag}`);
const partner = await account(`bpart_${tag}`);
const dms = Math.floor(CHATS / 4);
log(`creating ${CHATS} chats…`);
for (let i = 0; i < CHATS - dms; i++) await rest('POST', '/v1/channels', { name: `bench group ${i}`, memberIds: [partner.userId] }, main.token);
for (let i = 0; i < dms; i++) {
  const peer = i === 0 ? partner : await account(`bpeer${i}_${tag}`);
  await rest('POST', '/v1/channels/dm', { userId: peer.userId }, main.token);
}

const browser = await chromium.launch({ executablePath: process.env.PARLEY_CHROMIUM ?? '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'] });
const killer = setTimeout(() => { try { process.kill(browser.process?.()?.pid ?? 0, 'SIGKILL'); } catch { /* gone */ } process.exit(3); }, 600000);
try {
  async function login(name) {
    const ctx = await browser.newContext({ viewport: { width: 1100, height: 700 } });
    const page = await ctx.newPage();
    await page.goto(URL_);
    await page.getByTestId('login-username').fill(name);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('btn-login').click();
    await page.waitForSelector('[data-testid=conn-status].online', { timeout: 60000 });
    return page;
  }
  // (1) page load → every chat listed, with the saved session (a returning user).
  const a = await login(main.username);
  const loads = [];
  for (let i = 0; i < 6; i++) {
    await a.reload();
    await a.waitForFunction((n) => document.querySelectorAll('[data-testid=chat-item]').length >= n, CHATS, { timeout: 60000 });
    const ms = await a.evaluate(() => performance.now());
    if (i > 0) loads.push(ms); // the first reload warms the HTTP cache
  }
  // (3) send → rendered in the other browser (one machine, one clock: Date.now() in both pages).
  const b = await login(partner.username);
  // Pin the two browsers to two different gateways (discovery alone may put both on one).
  const seen = new Map();
  for (let i = 0; i < 6 && seen.size < 2; i++) {
    const gw = await rest('GET', '/v1/gateway', undefined, partner.token);
    seen.set(gw.nodeId, gw);
  }
  const aNode = await a.evaluate(() => globalThis.parley.conn.gatewayNode);
  const other = [...seen.values()].find((g) => g.nodeId !== aNode);
  if (other && (await b.evaluate(() => globalThis.parley.conn.gatewayNode)) === aNode) {
    await b.evaluate((gw) => globalThis.parley.conn.switchGateway(gw), other);
    await b.waitForFunction((n) => globalThis.parley.conn.gatewayNode === n && document.querySelector('[data-testid=conn-status].online'), other.nodeId, { timeout: 60000 });
  }
  const gateways = [await a.evaluate(() => globalThis.parley.conn.gatewayNode), await b.evaluate(() => globalThis.parley.conn.gatewayNode)];
  const dm = await a.evaluate(() => [...globalThis.parley.store.chats.values()].find((c) => c.kind === 'dm' && c.title !== 'Direct chat' && c.memberCount === 2 && c.peerUserId)?.channelId);
  const partnerDm = await a.evaluate((p) => [...globalThis.parley.store.chats.values()].find((c) => c.peerUserId === p)?.channelId, partner.userId);
  const channel = partnerDm ?? dm;
  await a.evaluate((id) => globalThis.parley.open(id), channel);
  await b.waitForFunction((id) => globalThis.parley.store.chats.has(id), channel, { timeout: 60000 });
  await b.evaluate((id) => globalThis.parley.open(id), channel);
  await b.evaluate(() => {
    globalThis.latencies = [];
    const seen = new Set();
    new MutationObserver(() => {
      for (const m of document.querySelectorAll('[data-testid=message]')) {
        const hit = /^lat (\d+) (\d{13})/.exec(m.textContent ?? "");
        if (hit && !seen.has(hit[1])) { seen.add(hit[1]); globalThis.latencies.push(Date.now() - Number(hit[2])); }
      }
    }).observe(document.querySelector('[data-testid=messages]'), { childList: true, subtree: true });
  });
  log(`sending ${MESSAGES} messages at ${RATE}/s between ${gateways.join(' and ')}…`);
  await a.evaluate(async ([n, rate]) => {
    const start = Date.now();
    const sends = [];
    for (let i = 0; i < n; i++) {
      const due = start + i * 1000 / rate;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      sends.push(globalThis.parley.sendText(`lat ${i} ${Date.now()}`));
    }
    await Promise.all(sends);
  }, [MESSAGES, RATE]);
  await b.waitForFunction((n) => globalThis.latencies.length >= n, MESSAGES, { timeout: 120000 });
  const lat = await b.evaluate(() => globalThis.latencies);
  console.log(JSON.stringify({ chats: CHATS, loadToChatsMs: { runs: loads.map(Math.round), p50: Math.round(pct(loads, 50)) },
    bundle, latency: { messages: lat.length, ratePerSecond: RATE, gateways, p50: pct(lat, 50), p90: pct(lat, 90), p99: pct(lat, 99), max: Math.max(...lat) } }));
} finally {
  clearTimeout(killer);
  await browser.close();
}
