// The EXE link under Chromium's Local Network Access (SPEC §4.4; issue 18,
// docs/DECISIONS.md D74): a console served over HTTPS from an address the
// browser counts as public, the platform public too, the EXE on loopback.
// (support/public-console.mjs: the page's and the simulator's ports count as
// public, the `loopback-network` permission is set over CDP).
//
//   cargo build -p rtv-sim && npm run build
//   node --test tests/e2e/local-network.test.mjs

import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSim, waitFor } from './support/sim.mjs';
import { startStatic } from './support/static.mjs';
import { selfSignedCert } from './support/tls.mjs';
import { Harness, fastOptions } from './support/harness.mjs';
import { quietWindow } from './support/faults.mjs';
import { publicConsole as openPublicConsole } from './support/public-console.mjs';

const env = { sim: null, https: null, http: null, browsers: [] };

before(async () => {
  // The fake EXE accepts pages from these origins only, like a real one.
  env.sim = await startSim(['--ping-interval', '0.5', '--exe-allow-origin', 'https://127.0.0.1:*', '--exe-allow-origin', 'http://127.0.0.1:*']);
  env.https = await startStatic({ tls: selfSignedCert() });
  env.http = await startStatic();
});
afterEach(async () => {
  for (const b of env.browsers.splice(0)) await b.close().catch(() => {});
});
after(async () => {
  await env.https?.stop();
  await env.http?.stop();
  await env.sim?.stop();
});

/** A public console (support/public-console.mjs) with `permission`, closed after the test. */
async function publicConsole(permission) {
  const c = await openPublicConsole({ https: env.https, simUrl: env.sim.url, permission });
  env.browsers.push(c.browser);
  return c;
}

const open = (context, server = env.https) => Harness.open(context, server);

/** Codes of the EXE_EVENTs instance `id` reported. */
async function exeCodes(h, id) {
  return (await h.rec(id)).events.filter((e) => e.type === 'EXE_EVENT').map((e) => e.data.code);
}

/** EXE sockets page `h` constructed. */
async function exeAttempts(h) {
  return (await h.webSockets()).length;
}

async function pushOpen(account) {
  return (await env.sim.control(`links?account=${account}`)).subscriptions === 1;
}

async function assertBlockedOnce(h, id, account) {
  await h.waitError(id, 'EXE_BLOCKED');
  await quietWindow(h, 8000);
  const rec = await h.rec(id);
  assert.equal(rec.errorCounts.EXE_BLOCKED, 1, JSON.stringify(rec.errorCounts));
  assert.equal(rec.errorCounts.EXE_LINK_LOST, undefined, 'not reported as a lost link');
  assert.deepEqual(await exeCodes(h, id), ['EXE_BLOCKED']);
  const blocked = rec.errors.find((e) => e.err.code === 'EXE_BLOCKED').err.msg;
  assert.match(blocked, /本地网络访问/);
  assert.match(blocked, /Local network access/);
  assert.match(blocked, /LocalNetworkAccessAllowedForUrls/);
  assert.ok((await exeAttempts(h)) <= 1, `at most one EXE attempt in 8 s: ${await exeAttempts(h)}`);
  assert.ok(await pushOpen(account), 'the push channel is up');
  assert.equal(await h.state(id), 'disconnected');
}

test('denied: EXE_BLOCKED once, at most one EXE attempt in 8 s, the push channel up', async () => {
  const { context } = await publicConsole('denied');
  const h = await open(context);
  const id = await h.make(fastOptions(env.sim, 'lna-denied'));
  await assertBlockedOnce(h, id, 'lna-denied');
  h.assertNoPageErrors();
});

test('not decided (the browser cannot ask): EXE_BLOCKED, no retry loop', async () => {
  const { context } = await publicConsole(null);
  const h = await open(context);
  const id = await h.make(fastOptions(env.sim, 'lna-prompt'));
  await assertBlockedOnce(h, id, 'lna-prompt');
});

test('denied, then granted while the page runs: ready within 3 s, no reload, no reconnect()', async () => {
  const { context, setPermission } = await publicConsole('denied');
  const h = await open(context);
  const id = await h.make(fastOptions(env.sim, 'lna-later'));
  await h.waitError(id, 'EXE_BLOCKED');
  const t0 = Date.now();
  await setPermission('granted');
  await h.waitState(id, 'ready', 3000);
  const took = Date.now() - t0;
  assert.ok(took <= 3000, `${took} ms`);
  assert.deepEqual(await exeCodes(h, id), ['EXE_BLOCKED', 'EXE_LINK_RESTORED']);
  assert.equal((await env.sim.control('links?account=lna-later')).exeHellos, 1);
});

test('granted: a full call (ring, answer, snapshot, hang up)', async () => {
  const { context } = await publicConsole('granted');
  const h = await open(context);
  const account = 'lna-granted';
  const id = await h.make(fastOptions(env.sim, account));
  await h.waitState(id, 'ready');
  const { sid } = await env.sim.control('call', { account });
  await h.waitState(id, 'wait');
  assert.equal((await h.call(id, 'answer', sid)).ok, true);
  assert.equal(await h.state(id), 'busy');
  const snap = await h.call(id, 'snapshot', 'player');
  assert.equal(snap.ok, true, JSON.stringify(snap));
  assert.equal((await h.call(id, 'hangUp', sid)).ok, true);
  await h.waitState(id, 'ready');
  assert.deepEqual(Object.keys((await h.rec(id)).errorCounts), []);
});

test('reconnect() while denied checks again: one attempt, EXE_BLOCKED again', async () => {
  const { context } = await publicConsole('denied');
  const h = await open(context);
  const id = await h.make(fastOptions(env.sim, 'lna-again'));
  await h.waitError(id, 'EXE_BLOCKED');
  assert.equal((await h.call(id, 'reconnect')).ok, true);
  await waitFor(async () => (await h.rec(id)).errorCounts.EXE_BLOCKED === 2, { what: 'a second EXE_BLOCKED' });
  await quietWindow(h, 3000);
  assert.equal(await exeAttempts(h), 2);
  assert.equal((await h.rec(id)).errorCounts.EXE_BLOCKED, 2);
});

test('a tab group with a denied leader: only the leader tries, every tab hears EXE_BLOCKED', async () => {
  const { context } = await publicConsole('denied');
  const account = 'lna-tabs';
  const lead = await open(context);
  const a = await lead.make(fastOptions(env.sim, account));
  await lead.waitError(a, 'EXE_BLOCKED');
  const follow = await open(context);
  const b = await follow.make(fastOptions(env.sim, account));
  await quietWindow(follow, 2000);
  assert.equal(await follow.state(b), 'disconnected');
  assert.equal(await exeAttempts(follow), 0, 'a follower opens no EXE socket');
  // The follower's reconnect() runs on the leader: one more attempt there,
  // and the EXE_EVENT reaches both tabs.
  assert.equal((await follow.call(b, 'reconnect')).ok, true);
  await follow.waitEvent(b, (e) => e.type === 'EXE_EVENT' && e.data.code === 'EXE_BLOCKED');
  await lead.waitEvent(a, (e) => e.type === 'EXE_EVENT' && e.data.code === 'EXE_BLOCKED' && e.t > 0);
  assert.equal(await exeAttempts(follow), 0);
  assert.equal(await exeAttempts(lead), 2);
  assert.equal((await env.sim.control(`links?account=${account}`)).subscribesTotal, 1);
  assert.equal((await lead.rec(a)).errorCounts.EXE_BLOCKED, 2);
});

test('an intranet-style page (loopback, http) with no EXE running: EXE_LINK_LOST and retries, as before', async () => {
  const { context } = await publicConsole(null);
  const h = await open(context, env.http);
  const id = await h.make(fastOptions(env.sim, 'lna-intranet', { exeUrl: 'ws://127.0.0.1:9/rtv', logLevel: 'info' }));
  await h.waitError(id, 'EXE_LINK_LOST');
  await waitFor(async () => (await exeAttempts(h)) >= 3, { what: 'EXE retries' });
  assert.equal((await h.rec(id)).errorCounts.EXE_BLOCKED, undefined);
  // The permission was read (the judgement, not a missing read, tells the two apart).
  const logs = await h.eval(() => window.__probes.console.map((m) => m.text).join('\n'));
  assert.match(logs, /local network permission: prompt/);
});

test('the self-check with the permission denied: localNetwork and exe say EXE_BLOCKED, with the setting and the policy', async () => {
  const { context } = await publicConsole('denied');
  const h = await open(context);
  const report = await h.eval((o) => RtVideo.preflight(o), fastOptions(env.sim, 'lna-preflight'));
  const c = Object.fromEntries(report.checks.map((e) => [e.check, e]));
  assert.equal(c.localNetwork.code, 'EXE_BLOCKED', JSON.stringify(c.localNetwork));
  assert.equal(c.localNetwork.detail, 'denied');
  assert.equal(c.exe.code, 'EXE_BLOCKED', JSON.stringify(c.exe));
  assert.match(c.exe.advice.zh, /本地网络访问/);
  assert.match(c.exe.advice.en, /LocalNetworkAccessAllowedForUrls/);
  assert.equal(c.push.ok, true, 'the push channel is not affected');
});
