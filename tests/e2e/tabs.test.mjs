// End-to-end: one agent, many tabs, one page life (pkg-template/tabs.js).
// Harness pages in one browser profile share Web Locks and BroadcastChannel
// like the tabs of an agent's browser; the simulator counts live push
// subscriptions and EXE links per account (GET /sim/links).
//
//   node --test --test-concurrency=1 tests/e2e/tabs.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, waitFor } from './support/sim.mjs';
import { faultSuite } from './support/faults.mjs';
import { Harness, fastOptions } from './support/harness.mjs';

// One simulator, static server and browser per file (support/faults.mjs).
const env = faultSuite();

const ZERO = { subscriptions: 0, subscribesTotal: 0, exeLinks: 0, exeHellos: 0 };
async function links(account) {
  return { ...ZERO, ...((await env.sim.control(`links?account=${account}`)) || {}) };
}
async function log(account) {
  return env.sim.control(`log?account=${account}`);
}
async function requests(account, path) {
  return (await log(account)).filter((e) => e.path === path);
}
async function offlines(account) {
  return (await requests(account, 'dispatch/agent/state')).filter((e) => e.body && e.body.state === 'offline');
}

/** A harness page in `context` (optionally without Web Locks) with one instance for `options`. */
async function openTab(options, { context = env.browser.context, noLocks = false } = {}) {
  const page = await context.newPage();
  if (noLocks) await page.addInitScript(() => delete Navigator.prototype.locks);
  if (process.env.RTV_TABS_DEBUG) page.on('console', (m) => console.log(`[${options.account}]`, m.text()));
  const h = new Harness(page, await context.newCDPSession(page));
  await h.goto(env.server);
  const id = await h.make(options);
  return { h, id };
}

/** The tab whose page opened the push channel's EventSource most recently: the leader. */
async function leaderOf(tabs) {
  let best = null;
  for (const t of tabs) {
    const es = await t.h.eventSources();
    const last = es.length ? es[es.length - 1].t : -1;
    if (last >= 0 && (!best || last > best.last)) best = { t, last };
  }
  return best && best.t;
}

const changes = (rec) => rec.events.filter((e) => e.type === 'STATE_CHANGE').map((e) => e.data.state);

/** Three ready tabs of `account`: `{tabs, leader, f1, f2}` (f1, f2 follow). */
async function threeReadyTabs(account) {
  const o = fastOptions(env.sim, account);
  const tabs = [await openTab(o), await openTab(o), await openTab(o)];
  for (const t of tabs) await t.h.waitState(t.id, 'ready');
  const leader = await leaderOf(tabs);
  const [f1, f2] = tabs.filter((t) => t !== leader);
  return { tabs, leader, f1, f2 };
}

/** The codes of the errors tab `t` reported so far. */
const errorCodes = async (t) => (await t.h.rec(t.id)).errors.map((e) => e.err.code);

test('three tabs of one agent: one subscription and one EXE link; the call rings in every tab; one answer request', async () => {
  const account = 'tabs-three';
  const o = fastOptions(env.sim, account);
  const tabs = [];
  for (let i = 0; i < 3; i++) tabs.push(await openTab(o));
  try {
    for (const t of tabs) await t.h.waitState(t.id, 'ready');
    assert.deepEqual(await links(account), { subscriptions: 1, subscribesTotal: 1, exeLinks: 1, exeHellos: 1 });
    for (const t of tabs) assert.deepEqual(changes(await t.h.rec(t.id)), ['ready']);

    const { sid } = await env.sim.control('call', { account });
    for (const t of tabs) {
      await t.h.waitEvent(t.id, (e) => e.type === 'INCOMING_CALL' && e.data.sid === sid, 'INCOMING_CALL');
      assert.equal(await t.h.state(t.id), 'wait');
    }
    // A double click across tabs: two followers answer while the platform is
    // still answering the first (it answers after 600 ms): one request goes out.
    await env.sim.control('fail', { path: 'rtv/call/answer', account, delayMs: 600 });
    const leader = await leaderOf(tabs);
    const followers = tabs.filter((t) => t !== leader);
    const [a, b] = await Promise.all(followers.map((t) => t.h.call(t.id, 'answer', sid)));
    assert.ok(a.ok && b.ok, JSON.stringify([a, b]));
    assert.equal((await requests(account, 'rtv/call/answer')).length, 1);
    for (const t of tabs) await t.h.waitState(t.id, 'busy');

    // The leader tab closes mid-call: a follower takes over within 3 s.
    const t0 = Date.now();
    await leader.h.close();
    // Pushed while no tab leads: the new leader resumes after the last id the tabs saw.
    await env.sim.control('push', { account, msgType: 50204, sid, data: { url: 'http://127.0.0.1/gap.png' } });
    await waitFor(async () => {
      const l = await links(account);
      return l.subscriptions === 1 && l.exeLinks === 1 && l.exeHellos === 2 && l.subscribesTotal === 2;
    }, { ms: 3000, what: 'one subscription and one EXE link again' });
    console.log(`hand-over: ${Date.now() - t0} ms to a new subscription and EXE hello`);
    // `start` follows the reply to the new leader's `hello`: wait for it, then check the order.
    const exeLog = async () => (await log(account)).filter((e) => e.kind === 'exe').map((e) => e.path);
    await waitFor(async () => (await exeLog()).length >= 4, { what: 'the second start' });
    assert.deepEqual(await exeLog(), ['hello', 'start', 'hello', 'start'], 'the new leader starts the call again');
    for (const t of followers) assert.equal(await t.h.state(t.id), 'busy');

    // A recording pushed after the hand-over reaches each tab exactly once.
    await env.sim.control('push', { account, msgType: 50203, sid, data: { url: 'http://127.0.0.1/after.mp4' } });
    for (const t of followers) {
      await t.h.waitEvent(t.id, (e) => e.type === 'VIDEOTAPE' && e.data.url === 'http://127.0.0.1/after.mp4', 'VIDEOTAPE');
    }
    await new Promise((r) => setTimeout(r, 300));
    for (const t of followers) {
      const rec = await t.h.rec(t.id);
      assert.equal(rec.events.filter((e) => e.type === 'VIDEOTAPE').length, 1);
      assert.equal(rec.events.filter((e) => e.type === 'IMAGE' && e.data.url === 'http://127.0.0.1/gap.png').length, 1);
      assert.equal(rec.events.filter((e) => e.type === 'INCOMING_CALL').length, 1);
      // The hand-over changed nothing the page could see.
      assert.deepEqual(changes(rec), ['ready', 'wait', 'busy']);
      assert.deepEqual(rec.errors, [], JSON.stringify(rec.errors));
    }
    assert.deepEqual(await offlines(account), [], 'no offline while a tab remains');

    // The call is the new leader's: hang up from either tab.
    const r = await followers[1].h.call(followers[1].id, 'hangUp', sid);
    assert.ok(r.ok, JSON.stringify(r));
    for (const t of followers) await t.h.waitState(t.id, 'ready');
    assert.equal((await env.sim.control('sessions')).find((s) => s.sid === sid).phase, 'ended');

    await followers[0].h.close();
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await offlines(account), [], 'no offline while a tab remains');
    await followers[1].h.close();
    await waitFor(async () => (await offlines(account)).length === 1, { ms: 3000, what: 'offline after the last tab' });
    await waitFor(async () => (await links(account)).subscriptions === 0, { ms: 3000, what: 'no subscription left' });
    for (const t of tabs) t.h.assertNoPageErrors();
  } finally {
    for (const t of tabs) await t.h.close();
  }
});

test("a follower's failed call reaches that follower's error only; the leader's, the leader's only (issue 19)", async () => {
  const { tabs, leader, f1, f2 } = await threeReadyTabs('tabs-errors');
  try {
    // A double click on "back" while ready: both calls fail with INVALID_STATE.
    const [r1, r2] = await Promise.all([f1.h.call(f1.id, 'back'), f1.h.call(f1.id, 'back')]);
    assert.ok(!r1.ok && !r2.ok, JSON.stringify([r1, r2]));
    assert.equal(r1.error.code, 'INVALID_STATE');
    await waitFor(async () => (await f1.h.rec(f1.id)).errors.length === 2, { what: "the follower's two errors" });
    assert.deepEqual(await errorCodes(f1), ['INVALID_STATE', 'INVALID_STATE']);
    // The leader's own wrong call: its page only.
    const r3 = await leader.h.call(leader.id, 'answer', 'no-such-call');
    assert.equal(r3.error.code, 'INVALID_STATE');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await errorCodes(leader), ['INVALID_STATE']);
    assert.deepEqual(await errorCodes(f2), [], 'the other follower saw none');
    assert.deepEqual(await errorCodes(f1), ['INVALID_STATE', 'INVALID_STATE']);
    for (const t of tabs) assert.equal(await t.h.state(t.id), 'ready');
    for (const t of tabs) t.h.assertNoPageErrors();
  } finally {
    for (const t of tabs) await t.h.close();
  }
});

test("a call's failure that comes later, and a call the leader's page makes inside a callback: the calling tab's only (D100)", async () => {
  const account = 'tabs-errors-later';
  const { tabs, leader, f1, f2 } = await threeReadyTabs(account);
  try {
    // f1 takes a rest; the platform answers 503: the failure comes with the HTTP reply.
    await env.sim.control('fail', { path: 'dispatch/agent/state', account, status: 503 });
    const r1 = await f1.h.call(f1.id, 'rest');
    assert.ok(!r1.ok, JSON.stringify(r1));
    assert.equal(r1.error.code, 'HTTP_ERROR');
    await waitFor(async () => (await errorCodes(f1)).length === 1, { what: "f1's error" });
    // The leader's page calls rest() from its `next` while the next call rings:
    // the SDK runs it after the callback returned, and it fails (INVALID_STATE).
    await leader.h.eval((id) => {
      const r = window.H.rec(id);
      r.onEvent = (ev) => {
        if (ev.type !== 'INCOMING_CALL') return;
        r.onEvent = null;
        r.inCallback = window.H.get(id).rest().then(
          () => 'ok',
          (e) => e.code,
        );
      };
    }, leader.id);
    const { sid } = await env.sim.control('call', { account });
    for (const t of tabs) await t.h.waitState(t.id, 'wait');
    assert.equal(await leader.h.eval((id) => window.H.rec(id).inCallback, leader.id), 'INVALID_STATE');
    await waitFor(async () => (await errorCodes(leader)).length === 1, { what: "the leader's error" });
    // (Answered and ended: a refused call would move on to the next test's agents.)
    assert.ok((await leader.h.call(leader.id, 'answer', sid)).ok);
    assert.ok((await leader.h.call(leader.id, 'hangUp', sid)).ok);
    for (const t of tabs) await t.h.waitState(t.id, 'ready');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await errorCodes(f1), ['HTTP_ERROR']);
    assert.deepEqual(await errorCodes(leader), ['INVALID_STATE']);
    assert.deepEqual(await errorCodes(f2), [], 'the other follower saw none');
    for (const t of tabs) t.h.assertNoPageErrors();
  } finally {
    for (const t of tabs) await t.h.close();
  }
});

test('a reloaded tab mid-call rejoins as a follower and sees the call; the other tab keeps it', async () => {
  const account = 'tabs-reload';
  const o = fastOptions(env.sim, account);
  const tabs = [await openTab(o), await openTab(o)];
  try {
    for (const t of tabs) await t.h.waitState(t.id, 'ready');
    const { sid } = await env.sim.control('call', { account });
    await tabs[1].h.waitState(tabs[1].id, 'wait');
    assert.ok((await tabs[1].h.call(tabs[1].id, 'answer', sid)).ok);
    for (const t of tabs) await t.h.waitState(t.id, 'busy');
    const leader = await leaderOf(tabs);
    const other = tabs.find((t) => t !== leader);
    await leader.h.goto(env.server);
    leader.id = await leader.h.make(o);
    await leader.h.waitState(leader.id, 'busy');
    const rec = await leader.h.rec(leader.id);
    assert.deepEqual(changes(rec), ['busy']);
    const recovery = rec.events.find((e) => e.type === 'RECOVERY_CALL');
    assert.equal(recovery && recovery.data.sid, sid);
    assert.equal(await other.h.state(other.id), 'busy');
    assert.deepEqual(changes(await other.h.rec(other.id)), ['ready', 'wait', 'busy']);
    const l = await links(account);
    assert.equal(l.subscriptions, 1);
    assert.equal(l.exeLinks, 1);
    assert.deepEqual(await offlines(account), []);
    assert.ok((await leader.h.call(leader.id, 'hangUp', sid)).ok);
    for (const t of tabs) await t.h.waitState(t.id, 'ready');
  } finally {
    for (const t of tabs) await t.h.close();
  }
});

test('two agents in two tabs stay independent', async () => {
  const a = await openTab(fastOptions(env.sim, 'tabs-ind-a'));
  const b = await openTab(fastOptions(env.sim, 'tabs-ind-b'));
  try {
    await a.h.waitState(a.id, 'ready');
    await b.h.waitState(b.id, 'ready');
    assert.equal((await links('tabs-ind-a')).subscriptions, 1);
    assert.equal((await links('tabs-ind-b')).subscriptions, 1);
    const { sid } = await env.sim.control('call', { account: 'tabs-ind-a' });
    await a.h.waitState(a.id, 'wait');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await b.h.state(b.id), 'ready');
    assert.ok(!(await b.h.rec(b.id)).events.some((e) => e.data && e.data.sid === sid));
    // (Answered and ended first: a call ringing at an agent who refuses or
    // goes offline moves on to the next one.)
    assert.ok((await a.h.call(a.id, 'answer', sid)).ok);
    assert.ok((await a.h.call(a.id, 'hangUp', sid)).ok);
    await a.h.close();
    await waitFor(async () => (await offlines('tabs-ind-a')).length === 1, { ms: 3000, what: 'offline of agent a' });
    assert.equal(await b.h.state(b.id), 'ready');
    assert.equal((await links('tabs-ind-b')).subscriptions, 1);
  } finally {
    await a.h.close();
    await b.h.close();
  }
});

test('multiTab: false keeps one independent instance per page', async () => {
  const account = 'tabs-solo';
  const o = fastOptions(env.sim, account, { multiTab: false });
  const tabs = [await openTab(o), await openTab(o)];
  try {
    // Two subscriptions and two EXE sessions (which then fight over the one
    // local EXE: the reason multi-tab is the default).
    await waitFor(async () => {
      const l = await links(account);
      return l.subscriptions === 2 && l.exeHellos >= 2;
    }, { what: 'two independent instances' });
  } finally {
    for (const t of tabs) await t.h.close();
  }
});

test('without Web Locks (plain-http intranet pages) a BroadcastChannel election leads', async () => {
  const account = 'tabs-nolocks';
  const o = fastOptions(env.sim, account);
  const tabs = [await openTab(o, { noLocks: true }), await openTab(o, { noLocks: true })];
  try {
    assert.equal(await tabs[0].h.eval(() => typeof navigator.locks), 'undefined');
    for (const t of tabs) await t.h.waitState(t.id, 'ready');
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(await links(account), { subscriptions: 1, subscribesTotal: 1, exeLinks: 1, exeHellos: 1 });
    const leader = await leaderOf(tabs);
    const other = tabs.find((t) => t !== leader);
    const t0 = Date.now();
    await leader.h.close();
    await waitFor(async () => {
      const l = await links(account);
      return l.subscriptions === 1 && l.exeHellos === 2;
    }, { ms: 4000, what: 'a new leader' });
    console.log(`hand-over without Web Locks: ${Date.now() - t0} ms`);
    assert.equal(await other.h.state(other.id), 'ready');
    assert.deepEqual(await offlines(account), []);
  } finally {
    for (const t of tabs) await t.h.close();
  }
});

test('leaving the page opens no new subscription and reports offline once', async () => {
  for (const multiTab of [true, false]) {
    const account = `tabs-leave-${multiTab}`;
    const t = await openTab(fastOptions(env.sim, account, { multiTab }));
    try {
      await t.h.waitState(t.id, 'ready');
      const before = await links(account);
      assert.equal(before.subscribesTotal, 1);
      await t.h.page.goto(`${env.server.url}blank.html`).catch(() => t.h.page.goto('about:blank'));
      // During and after the unload: nothing new subscribes, nothing stays open.
      for (let i = 0; i < 15; i++) {
        const l = await links(account);
        assert.equal(l.subscribesTotal, 1, `multiTab ${multiTab}: a subscribe during or after the unload`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const l = await links(account);
      assert.equal(l.subscriptions, 0);
      assert.equal(l.exeLinks, 0);
      assert.equal((await offlines(account)).length, 1);
    } finally {
      await t.h.close();
    }
  }
});

test('back/forward cache: the page stays eligible, links close while away and it re-syncs on return', async () => {
  const browser = await launchBrowser([], { ignoreDefaultArgs: ['--disable-back-forward-cache'] });
  const account = 'tabs-bfcache';
  try {
    const t = await openTab(fastOptions(env.sim, account), { context: browser.context });
    const notUsed = [];
    await t.h.cdp.send('Page.enable');
    t.h.cdp.on('Page.backForwardCacheNotUsed', (e) => notUsed.push(e));
    await t.h.waitState(t.id, 'ready');
    await t.h.eval(() => {
      window.__persisted = null;
      window.addEventListener('pageshow', (e) => {
        window.__persisted = e.persisted;
      });
    });
    await t.h.page.goto(`${env.server.url}blank.html`);
    await waitFor(async () => (await links(account)).subscriptions === 0 && (await links(account)).exeLinks === 0, {
      ms: 3000,
      what: 'links closed while away',
    });
    assert.equal((await offlines(account)).length, 1);
    // A page restored from the cache fires no `load`.
    await t.h.page.goBack({ waitUntil: 'commit' });
    await waitFor(() => t.h.eval(() => window.__persisted !== null), { what: 'pageshow' });
    assert.deepEqual(notUsed.map((e) => e.notRestoredExplanations), [], 'the page was restored from the back/forward cache');
    assert.equal(await t.h.eval(() => window.__persisted), true);
    await t.h.waitState(t.id, 'ready');
    assert.deepEqual(changes(await t.h.rec(t.id)), ['ready', 'disconnected', 'ready']);
    const l = await links(account);
    assert.equal(l.subscriptions, 1);
    assert.equal(l.subscribesTotal, 2);
    const states = (await requests(account, 'dispatch/agent/state')).map((e) => e.body.state);
    assert.deepEqual(states, ['ready', 'offline', 'ready']);
    await t.h.close();
  } finally {
    await browser.close();
  }
});

test('destroy() in one tab ends that tab only: a follower quietly, the leader by handing over', async () => {
  const account = 'tabs-destroy';
  const o = fastOptions(env.sim, account);
  const tabs = [await openTab(o), await openTab(o), await openTab(o)];
  try {
    for (const t of tabs) await t.h.waitState(t.id, 'ready');
    const leader = await leaderOf(tabs);
    const [f1, f2] = tabs.filter((t) => t !== leader);
    assert.ok((await f1.h.destroy(f1.id)).ok);
    assert.equal((await f1.h.rec(f1.id)).completes, 1);
    assert.equal(await leader.h.state(leader.id), 'ready');
    assert.equal((await links(account)).subscriptions, 1);
    // The leader's destroy() hands over: the other tab leads, nothing goes offline.
    assert.ok((await leader.h.destroy(leader.id)).ok);
    assert.equal((await leader.h.rec(leader.id)).completes, 1);
    await waitFor(async () => {
      const l = await links(account);
      return l.subscriptions === 1 && l.exeHellos === 2;
    }, { ms: 3000, what: 'the remaining tab leads' });
    assert.equal(await f2.h.state(f2.id), 'ready');
    assert.deepEqual(await offlines(account), []);
    // The new leader's quiet re-sync asks session/current and reports no
    // presence again (which could withdraw a call offered meanwhile).
    await waitFor(async () => (await requests(account, 'rtv/session/current')).length >= 2, { what: 're-sync' });
    assert.equal((await requests(account, 'dispatch/agent/state')).length, 1);
    // A call still rings in the remaining tab; its destroy() is the last: offline.
    const { sid } = await env.sim.control('call', { account });
    await f2.h.waitEvent(f2.id, (e) => e.type === 'INCOMING_CALL' && e.data.sid === sid, 'INCOMING_CALL');
    const refused = await f2.h.call(f2.id, 'refuse', sid);
    assert.ok(refused.ok, JSON.stringify(refused));
    assert.ok((await f2.h.destroy(f2.id)).ok);
    await waitFor(async () => (await offlines(account)).length === 1, { ms: 3000, what: 'offline after the last destroy()' });
    for (const t of tabs) t.h.assertNoPageErrors();
  } finally {
    for (const t of tabs) await t.h.close();
  }
});
