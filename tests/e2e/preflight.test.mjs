// `RtVideo.preflight(options)`, the self-check (issue 18 item 3,
// docs/DECISIONS.md D76), in the script-tag build against the simulator:
// every check passes on a good set-up and leaves nothing behind; each failing
// check names its cause and the advice that goes with it (token rejected, a
// service down, no EXE; the permission in local-network.test.mjs, a CSP
// without WebAssembly here); while a tab of the agent leads, the links are
// asked of it (no second subscription, no second EXE socket); and it settles
// within its bound when a service never answers.
//
//   cargo build -p rtv-sim && npm run build
//   node --test tests/e2e/preflight.test.mjs

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { waitFor } from './support/sim.mjs';
import { fastOptions } from './support/harness.mjs';
import { faultSuite } from './support/faults.mjs';
import { startStatic } from './support/static.mjs';

const env = faultSuite(['--reject-token', 'REVOKED']);
const CHECKS = ['engine', 'config', 'page', 'localNetwork', 'tabs', 'push', 'video', 'state', 'exe'];

/** Runs the self-check in page `h`; resolves with the report. */
function preflight(h, options, opts) {
  return h.eval(([o, p]) => RtVideo.preflight(o, p), [options, opts]);
}

const byName = (report) => Object.fromEntries(report.checks.map((c) => [c.check, c]));

/** Nothing the self-check opened is left: sockets closed, no subscription, no EXE link. */
async function nothingLeft(h, account) {
  await waitFor(async () => {
    const l = await env.sim.control(`links?account=${account}`);
    return l.subscriptions === 0 && l.exeLinks === 0;
  }, { what: 'no subscription and no EXE link left' });
  const sockets = await h.webSockets();
  assert.ok(sockets.every((s) => s.closed !== null), JSON.stringify(sockets));
  assert.equal((await h.eventSources()).length, 0, 'no EventSource');
}

test('a good set-up: every check passes, in order, and nothing is left open or changed', async () => {
  const h = await env.page();
  const account = 'pf-good';
  const report = await preflight(h, fastOptions(env.sim, account, { token: 'SECRET-T' }));
  assert.deepEqual(report.checks.map((c) => c.check), CHECKS);
  assert.equal(report.ok, true, JSON.stringify(report, null, 1));
  const c = byName(report);
  assert.match(c.exe.detail, /exeVersion \S+/);
  assert.match(c.push.detail, /HTTP 200, text\/event-stream/);
  assert.match(c.tabs.detail, /no tab of this agent runs/);
  assert.equal(c.localNetwork.detail, 'prompt', 'an intranet page: not decided, never asked');
  assert.ok(report.checks.every((e) => e.advice.zh === '' && e.advice.en === ''));
  assert.doesNotMatch(JSON.stringify(report), /SECRET-T/, 'the token is not in the report');
  await nothingLeft(h, account);
  const asked = (await env.sim.control(`log?account=${account}`)).map((e) => e.path);
  assert.deepEqual(asked.sort(), ['hello', 'push-client/subscribe', 'rtv/session/current'], 'only reads');
});

test('token rejected: push and video say AUTH, with the advice to sign in again', async () => {
  const h = await env.page();
  const report = await preflight(h, fastOptions(env.sim, 'pf-auth', { token: 'REVOKED' }));
  const c = byName(report);
  assert.equal(report.ok, false);
  for (const name of ['push', 'video']) {
    assert.equal(c[name].ok, false);
    assert.equal(c[name].code, 'AUTH', JSON.stringify(c[name]));
    assert.match(c[name].advice.zh, /token/);
    assert.match(c[name].advice.en, /sign in again/);
  }
  assert.equal(c.exe.ok, true);
});

test('a service down and no EXE: HTTP_ERROR and EXE_LINK_LOST, each with its advice; the rest passes', async () => {
  const h = await env.page();
  const report = await preflight(
    h,
    fastOptions(env.sim, 'pf-down', { videoServiceUrl: 'http://127.0.0.1:9/rtv/', exeUrl: 'ws://127.0.0.1:9/rtv' }),
  );
  const c = byName(report);
  assert.equal(c.video.code, 'HTTP_ERROR', JSON.stringify(c.video));
  assert.match(c.video.advice.en, /cannot be reached/);
  assert.equal(c.exe.code, 'EXE_LINK_LOST', JSON.stringify(c.exe));
  assert.match(c.exe.advice.zh, /启动视频客户端/);
  assert.match(c.exe.advice.en, /not running/);
  assert.equal(c.push.ok, true);
  assert.equal(c.state.ok, true);
});

test('bad options: CONFIG names the field, the checks after it are not run', async () => {
  const h = await env.page();
  const report = await preflight(h, { systemCode: 'S', account: 'a', profile: 'staging' });
  const c = byName(report);
  assert.equal(c.config.code, 'CONFIG');
  assert.match(c.config.detail, /profile/);
  assert.ok(CHECKS.slice(2).every((n) => c[n].code === 'NOT_RUN'), JSON.stringify(report.checks));
});

test('while a tab of the agent leads, its links are asked for: no second subscription or EXE socket', async () => {
  const account = 'pf-led';
  const lead = await env.page();
  const id = await lead.make(fastOptions(env.sim, account));
  await lead.waitState(id, 'ready');
  const before = await env.sim.control(`links?account=${account}`);
  for (const h of [lead, await env.page()]) {
    const report = await preflight(h, fastOptions(env.sim, account));
    const c = byName(report);
    assert.equal(report.ok, true, JSON.stringify(report.checks));
    assert.match(c.tabs.detail, h === lead ? /^this tab leads/ : /^another tab leads/);
    assert.match(c.push.detail, /the leading tab: push channel up/);
    assert.match(c.exe.detail, /the leading tab: video client link up, exeVersion \S+/);
  }
  const now = await env.sim.control(`links?account=${account}`);
  assert.equal(now.subscribesTotal, before.subscribesTotal, 'no second subscribe');
  assert.equal(now.exeHellos, before.exeHellos, 'no second hello');
  assert.equal(await lead.state(id), 'ready');
});

const hanging = [];
after(() => hanging.forEach((s) => s.close()));

test('a service that never answers: the report comes within its bound, with TIMEOUT', async () => {
  const silent = net.createServer(() => {}); // accepts, never answers
  hanging.push(silent);
  await new Promise((r) => silent.listen(0, '127.0.0.1', r));
  const { port } = silent.address();
  const h = await env.page();
  const t0 = Date.now();
  const report = await preflight(h, fastOptions(env.sim, 'pf-hang', { videoServiceUrl: `http://127.0.0.1:${port}/rtv/` }), { timeout: 2000 });
  const took = Date.now() - t0;
  assert.ok(took < 3500, `${took} ms`);
  assert.equal(byName(report).video.code, 'TIMEOUT');
  assert.equal(byName(report).push.ok, true);
});

test("a CSP without WebAssembly: the engine check says UNSUPPORTED_BROWSER and names the policy", async () => {
  const strict = await startStatic({ csp: "script-src 'self'; object-src 'none'" });
  try {
    const page = await env.browser.context.newPage();
    env.pages.push({ close: () => page.close() });
    await page.goto(`${strict.url}csp.html`);
    const report = await page.evaluate((o) => RtVideo.preflight(o, { timeout: 5000 }), fastOptions(env.sim, 'pf-csp'));
    const c = byName(report);
    assert.equal(c.engine.code, 'UNSUPPORTED_BROWSER', JSON.stringify(c.engine));
    assert.match(c.engine.detail, /CSP|Content-Security-Policy/);
    assert.ok(c.engine.advice.zh.length > 0);
  } finally {
    await strict.stop();
  }
});

test('the npm build has the same self-check', async () => {
  const page = await env.browser.context.newPage();
  env.pages.push({ close: () => page.close() });
  await page.goto(`${env.server.url}esm.html`);
  await page.waitForFunction(() => window.esmReady);
  const report = await page.evaluate((o) => window.RtVideoEsm.preflight(o), fastOptions(env.sim, 'pf-esm'));
  assert.deepEqual(report.checks.map((c) => c.check), CHECKS);
  assert.equal(report.ok, true, JSON.stringify(report.checks));
});

test('a page loaded again after the browser discarded it: the log and the self-check say so, naming the policy', async () => {
  const page = await env.browser.context.newPage();
  env.pages.push({ close: () => page.close() });
  // Chromium sets document.wasDiscarded on the load after a discard (Memory Saver).
  await page.addInitScript(() => Object.defineProperty(Document.prototype, 'wasDiscarded', { get: () => true }));
  await page.goto(`${env.server.url}harness.html`);
  await page.evaluate(() => window.H.ready);
  const o = fastOptions(env.sim, 'pf-discarded');
  const report = await page.evaluate((opts) => RtVideo.preflight(opts), o);
  const c = byName(report);
  assert.equal(c.page.code, 'PAGE_DISCARDED');
  assert.match(c.page.advice.en, /TabDiscardingExceptions/);
  const log = await page.evaluate((opts) => {
    const rt = new RtVideo(opts, {});
    const text = rt.getLogs();
    rt.destroy();
    return text;
  }, o);
  assert.match(log, /discarded by the browser.*TabDiscardingExceptions/);
});
