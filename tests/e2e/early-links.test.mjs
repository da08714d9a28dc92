// End-to-end: the script-tag build opens the push channel and the EXE socket
// while its wasm loads (pkg-template/early.js, docs/DECISIONS.md D70). The
// static server holds the `.wasm` back, so the page surely runs its facade;
// the simulator counts subscriptions and EXE links per account
// (GET /sim/links; an EXE link counts there once it said hello), the page's
// probes every EventSource and WebSocket it constructs: an early link the
// instance takes over is one subscribe and one socket in all, never two.
//
//   node --test --test-concurrency=1 tests/e2e/early-links.test.mjs

import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from './support/sim.mjs';
import { faultSuite } from './support/faults.mjs';
import { Harness, fastOptions } from './support/harness.mjs';

const env = faultSuite();
// A test that failed while the server held the wasm must not hold the next one's.
afterEach(() => env.server.release());

const ZERO = { subscriptions: 0, subscribesTotal: 0, exeLinks: 0, exeHellos: 0 };
async function links(account) {
  return { ...ZERO, ...((await env.sim.control(`links?account=${account}`)) || {}) };
}
function linksAre(account, want, what) {
  return waitFor(
    async () => {
      const l = await links(account);
      return Object.keys(want).every((k) => l[k] === want[k]);
    },
    { what: `${what}: links ${JSON.stringify(want)}` },
  );
}

/** early.html with one instance for `options`, the `.wasm` held back by the server. */
async function openEarly(options, { hold = true } = {}) {
  if (hold) env.server.hold();
  const asked = env.server.wasmAsked();
  const page = await env.browser.context.newPage();
  env.pages.push({ close: () => page.close() });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${env.server.url}early.html?${new URLSearchParams({ opts: JSON.stringify(options) })}`);
  if (hold) await waitFor(() => env.server.wasmAsked() > asked, { what: 'the wasm requested' });
  return {
    page,
    errors,
    counters: () => page.evaluate(() => RtVideo.debugCounters()),
    E: () => page.evaluate(() => window.E),
    /** Waits until the page's observer got an event matching `pred`. */
    async waitEvent(pred, what) {
      await waitFor(async () => (await page.evaluate(() => window.E)).events.some(pred), { what });
    },
    // Sockets the page constructed: [EventSources, WebSockets, WebSockets closed].
    sockets: () =>
      page.evaluate(() => {
        var p = window.__probes;
        return [p.eventSources.length, p.webSockets.length, p.webSockets.filter((w) => w.closed !== null).length];
      }),
  };
}

/** A harness tab of the same origin whose instance leads the agent's tab group. */
async function openLeader(options) {
  const leader = await Harness.open(env.browser.context, env.server);
  env.pages.push(leader);
  await leader.waitState(await leader.make(options), 'ready');
  return leader;
}

const becameReady = (e) => e.type === 'STATE_CHANGE' && e.data.state === 'ready';

const noneLeft = (c) => c.eventSources === 0 && c.webSockets === 0 && c.lockRequests === 0 && c.fetches === 0;

test('links open while the wasm loads; the instance takes them over (one subscribe, one EXE link) and gets ready', async () => {
  const account = 'early-take';
  const o = fastOptions(env.sim, account);
  const t = await openEarly(o);
  // Before the wasm: both links are open, the EXE has heard nothing (hello is the core's).
  await linksAre(account, { subscriptions: 1, exeHellos: 0 }, 'while loading');
  assert.deepEqual(await t.sockets(), [1, 1, 0]);
  const c = await t.counters();
  assert.equal((await t.E()).ready, false, 'the wasm is still held');
  assert.deepEqual([c.eventSources, c.webSockets, c.lockRequests, c.instances], [1, 1, 1, 0]);
  env.server.release();
  await t.waitEvent(becameReady, 'ready');
  assert.deepEqual(await links(account), { subscriptions: 1, subscribesTotal: 1, exeLinks: 1, exeHellos: 1 });
  assert.deepEqual(await t.sockets(), [1, 1, 0], 'no second EventSource or WebSocket');
  const after = await t.counters();
  assert.deepEqual([after.eventSources, after.webSockets, after.instances], [1, 1, 1]);
  // The link works: a call rings (then the customer hangs up, so that it is
  // offered to no other agent of this file).
  const { sid } = await env.sim.control('call', { account });
  await t.waitEvent((e) => e.type === 'INCOMING_CALL' && e.data.sid === sid, 'INCOMING_CALL');
  await env.sim.control('hangup', { sid });
  await t.waitEvent((e) => e.type === 'STATE_CHANGE' && e.data.state === 'ready' && e.data.from === 'wait', 'the call ended');
  assert.deepEqual((await t.E()).errors, []);
  await t.page.evaluate(() => window.E.rtv.destroy());
  await waitFor(async () => noneLeft(await t.counters()), { what: 'nothing left after destroy()' });
  await linksAre(account, { subscriptions: 0, exeLinks: 0 }, 'after destroy()');
  assert.deepEqual(t.errors, []);
});

test('options the core rejects: the early links close unused, CONFIG then complete()', async () => {
  const account = 'early-bad';
  // The URLs are fine (the loader opens the links); the core rejects the timeout.
  const t = await openEarly(fastOptions(env.sim, account, { httpTimeout: -1 }));
  await linksAre(account, { subscriptions: 1 }, 'while loading');
  assert.deepEqual(await t.sockets(), [1, 1, 0]);
  env.server.release();
  await waitFor(async () => (await t.E()).completed === 1, { what: 'complete()' });
  const e = await t.E();
  assert.deepEqual(e.errors.map((x) => x.code), ['CONFIG']);
  assert.match(e.errors[0].msg, /httpTimeout/);
  await linksAre(account, { subscriptions: 0, exeLinks: 0, exeHellos: 0, subscribesTotal: 1 }, 'closed');
  await waitFor(async () => noneLeft(await t.counters()), { what: 'no link, no lock request left' });
  await waitFor(async () => (await t.sockets())[2] === 1, { what: 'the early WebSocket closed' });
});

test('destroy() while the wasm loads closes the early links and lets the lock go', async () => {
  const account = 'early-destroy';
  const t = await openEarly(fastOptions(env.sim, account));
  await linksAre(account, { subscriptions: 1 }, 'while loading');
  await t.page.evaluate(() => window.E.rtv.destroy());
  await linksAre(account, { subscriptions: 0 }, 'after destroy()');
  await waitFor(async () => (await t.sockets())[2] === 1, { what: 'the early WebSocket closed' });
  await waitFor(async () => noneLeft(await t.counters()), { what: 'no link, no lock request left' });
  assert.equal((await t.E()).completed, 1);
  env.server.release();
  await waitFor(async () => (await t.E()).ready, { what: 'RtVideo.ready' });
  // Nothing opens later either.
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await links(account)).subscribesTotal, 1);
  assert.equal((await t.counters()).instances, 0);
});

test('another tab leads: no early link; when that tab goes, the waiting page leads with its own links', async () => {
  const account = 'early-second';
  const o = fastOptions(env.sim, account);
  const leader = await openLeader(o);
  assert.equal((await links(account)).subscribesTotal, 1);
  // The second page asks for the lock while the first tab holds it: no link opens.
  const t = await openEarly(o);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await links(account)).subscribesTotal, 1, 'no early subscribe while another tab leads');
  let c = await t.counters();
  assert.deepEqual([c.eventSources, c.webSockets, c.lockRequests], [0, 0, 1]);
  // The first tab goes while the wasm is still held: the lock passes, the links open early...
  await leader.page.close();
  await linksAre(account, { subscribesTotal: 2, subscriptions: 1 }, 'early links of the second page');
  assert.deepEqual(await t.sockets(), [1, 1, 0]);
  c = await t.counters();
  assert.deepEqual([c.eventSources, c.webSockets, c.instances], [1, 1, 0]);
  // ...and the instance takes them over.
  env.server.release();
  await t.waitEvent(becameReady, 'ready');
  const l = await links(account);
  assert.equal(l.subscribesTotal, 2, 'the early subscribe was taken over');
  assert.equal(l.exeLinks, 1);
  assert.deepEqual(await t.sockets(), [1, 1, 0], 'the early sockets were taken over');
  assert.deepEqual(t.errors, []);
});

test('the wasm is ready before the lock: the tab takes the lock request over and follows, then leads', async () => {
  const account = 'early-follow';
  const o = fastOptions(env.sim, account);
  const leader = await openLeader(o);
  const t = await openEarly(o);
  env.server.release();
  // The second page follows the first: it sees ready through the tab group.
  await t.waitEvent(becameReady, 'follower ready');
  let c = await t.counters();
  assert.deepEqual([c.eventSources, c.webSockets, c.instances, c.lockRequests], [0, 0, 0, 1], 'one lock request, taken over');
  assert.equal((await links(account)).subscribesTotal, 1);
  await leader.page.close();
  await waitFor(async () => (await t.counters()).instances === 1, { what: 'the second page leads' });
  await linksAre(account, { subscriptions: 1, subscribesTotal: 2, exeLinks: 1 }, 'the new leader\'s links');
  c = await t.counters();
  assert.deepEqual([c.eventSources, c.webSockets, c.lockRequests], [1, 1, 1]);
  assert.deepEqual(t.errors, []);
});

test('a message that arrives while the wasm loads reaches the page once, after ready', async () => {
  const account = 'early-kept';
  const t = await openEarly(fastOptions(env.sim, account));
  await linksAre(account, { subscriptions: 1 }, 'while loading');
  const url = 'https://rec.example/early-kept.mp4';
  await env.sim.control('push', { account, msgType: 50203, sid: 'S-early', data: { url } });
  await new Promise((r) => setTimeout(r, 200)); // kept by the early EventSource
  assert.deepEqual((await t.E()).events, []);
  env.server.release();
  await t.waitEvent((e) => e.type === 'VIDEOTAPE' && e.data.url === url, 'VIDEOTAPE');
  await new Promise((r) => setTimeout(r, 200));
  const e = await t.E();
  assert.equal(e.events.filter((x) => x.type === 'VIDEOTAPE').length, 1, JSON.stringify(e.events));
  assert.deepEqual(e.errors, []);
  assert.deepEqual(await t.sockets(), [1, 1, 0]);
});

test('the push stream drops while the wasm loads: the early EventSource does not retry by itself; the instance recovers', async () => {
  const account = 'early-fail';
  const t = await openEarly(fastOptions(env.sim, account));
  await linksAre(account, { subscriptions: 1, subscribesTotal: 1 }, 'while loading');
  await env.sim.control('push-channel', { account, action: 'drop' });
  await linksAre(account, { subscriptions: 0 }, 'dropped');
  // Chromium's EventSource would reconnect after ~3 s; the early one is closed instead.
  await new Promise((r) => setTimeout(r, 4000));
  assert.equal((await links(account)).subscribesTotal, 1, 'no reconnect of the early EventSource');
  env.server.release();
  // The instance hears of the drop (the kept error), probes the URL (a
  // subscribe too, SPEC §4.1's status check) and subscribes again itself.
  await waitFor(
    async () => {
      const l = await links(account);
      return l.subscriptions === 1 && l.subscribesTotal >= 2;
    },
    { what: 'subscribed again by the instance' },
  );
  await waitFor(async () => (await t.page.evaluate(() => window.E.rtv.state())) === 'ready', { what: 'ready' });
  const e = await t.E();
  assert.deepEqual(e.errors.map((x) => x.code), ['PUSH_LINK_LOST']);
  assert.deepEqual(t.errors, []);
});
