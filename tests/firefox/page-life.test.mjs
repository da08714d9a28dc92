// Firefox ESR smoke: one agent's tabs and the page's life. Tabs of one profile
// share Web Locks and BroadcastChannel like an agent's browser; the simulator
// counts live push subscriptions and EXE links per account (GET /sim/links).
// Where Firefox differs from Chromium (docs/DECISIONS.md D96–D98) the
// difference is asserted: it has no `freeze`/`resume` events and no
// `document.wasDiscarded`; it keeps no page with an open EventSource or
// WebSocket in the back/forward cache (it decides before `pagehide`, so Back
// loads such a page anew); it clamps the timers of a background tab to one a
// second.
//
//   node --test --test-concurrency=1 tests/firefox/page-life.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changes, firefoxSuite, links, presences, waitFor } from './support.mjs';

const env = firefoxSuite();

async function openTab(account, extra = {}) {
  const h = await env.harness();
  const id = await h.make(env.sim.options(account, extra));
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

test('Firefox has Web Locks on http://127.0.0.1 and none of the Page Lifecycle API', async () => {
  const { h } = await openTab('fx-apis');
  const apis = await h.eval(() => ({
    secure: window.isSecureContext,
    locks: typeof navigator.locks?.request,
    broadcast: typeof BroadcastChannel,
    onfreeze: 'onfreeze' in document,
    onresume: 'onresume' in document,
    wasDiscarded: 'wasDiscarded' in document,
    ua: navigator.userAgent,
  }));
  assert.match(apis.ua, /Firefox\//);
  assert.deepEqual(
    { secure: apis.secure, locks: apis.locks, broadcast: apis.broadcast, onfreeze: apis.onfreeze, onresume: apis.onresume, wasDiscarded: apis.wasDiscarded },
    { secure: true, locks: 'function', broadcast: 'function', onfreeze: false, onresume: false, wasDiscarded: false },
  );
});

test('two tabs of one agent share one subscription and one EXE link (Web Locks); the other tab takes over', async () => {
  const account = 'fx-tabs';
  const tabs = [await openTab(account), await openTab(account)];
  for (const t of tabs) await t.h.waitState(t.id, 'ready');
  assert.deepEqual(await links(env.sim, account), { subscriptions: 1, subscribesTotal: 1, exeLinks: 1, exeHellos: 1 });
  // The group is elected with Web Locks (not the BroadcastChannel fallback): each tab holds or waits for the lock.
  for (const t of tabs) assert.equal((await t.h.eval(() => RtVideo.debugCounters())).lockRequests, 1);
  const held = await tabs[0].h.eval(() => navigator.locks.query().then((q) => ({ held: q.held.length, pending: q.pending.length })));
  assert.deepEqual(held, { held: 1, pending: 1 });

  const { sid } = await env.sim.control('call', { account });
  for (const t of tabs) await t.h.waitEvent(t.id, (e) => e.type === 'INCOMING_CALL' && e.data.sid === sid, 'INCOMING_CALL in every tab');
  const leader = await leaderOf(tabs);
  const follower = tabs.find((t) => t !== leader);
  assert.ok((await follower.h.call(follower.id, 'answer', sid)).ok, 'answered from the follower');
  for (const t of tabs) await t.h.waitState(t.id, 'busy');

  // The leading tab closes mid-call: the other tab leads within 3 s, the call goes on.
  await leader.h.close();
  await waitFor(
    async () => {
      const l = await links(env.sim, account);
      return l.subscriptions === 1 && l.subscribesTotal === 2 && l.exeLinks === 1 && l.exeHellos === 2;
    },
    { ms: 3000, what: 'one subscription and one EXE link again' },
  );
  assert.ok((await follower.h.call(follower.id, 'hangUp', sid)).ok);
  assert.equal(await follower.h.state(follower.id), 'ready');
  assert.deepEqual(changes(await follower.h.rec(follower.id)), ['ready', 'wait', 'busy', 'ready']);
  follower.h.assertNoPageErrors();
});

// Found in Firefox (docs/DECISIONS.md D98): about every other run, closing the
// leading tab reported `offline` although another tab of the agent remained.
// The first leader's wasm instance was made without a snapshot, so it was not
// "managed" (src/api/rtvideo.rs) and kept its own `pagehide` listener
// (src/web/page.rs), which suspended it and sent `offline`. Fixed: the tab
// group makes every instance managed (tabs.js `_lead`).
test('closing the leading tab reports no offline while another tab remains (three hand-overs)', async () => {
  const seen = [];
  for (let i = 0; i < 3; i++) {
    const account = `fx-handover-${i}`;
    const tabs = [await openTab(account), await openTab(account)];
    for (const t of tabs) await t.h.waitState(t.id, 'ready');
    const leader = await leaderOf(tabs);
    await leader.h.close();
    await waitFor(async () => (await links(env.sim, account)).subscribesTotal === 2, { ms: 3000, what: 'the hand-over' });
    seen.push((await presences(env.sim, account)).join(','));
    for (const t of tabs) await t.h.close();
  }
  assert.deepEqual(seen, ['ready', 'ready', 'ready'], 'presence reports per hand-over');
});

test('page leave sends offline; Firefox keeps no page with open links in the back/forward cache: Back loads it anew; closing the tab closes its links', async () => {
  const account = 'fx-leave';
  const t = await openTab(account);
  await t.h.waitState(t.id, 'ready');
  await t.h.eval(() => {
    window.__mark = 'old document';
  });
  await t.h.page.goto(`${env.server.url}blank.html`);
  await waitFor(async () => (await presences(env.sim, account)).includes('offline'), { ms: 3000, what: 'offline on page leave' });
  await waitFor(async () => {
    const l = await links(env.sim, account);
    return l.subscriptions === 0 && l.exeLinks === 0;
  }, { ms: 3000, what: 'links closed while away' });
  assert.deepEqual(await presences(env.sim, account), ['ready', 'offline']);

  // Back. Firefox decides before `pagehide` whether a page may enter the
  // cache, and an open EventSource or WebSocket rules it out (D96): the page
  // is loaded again, as a back/forward navigation, with a new document.
  await t.h.page.evaluate(() => {
    setTimeout(() => history.back(), 0);
  });
  await waitFor(() => t.h.eval(() => location.pathname.endsWith('/harness.html') && !!window.H), { what: 'the harness page again' });
  await t.h.eval(() => window.H.ready);
  const back = await t.h.eval(() => ({ mark: window.__mark ?? null, nav: performance.getEntriesByType('navigation')[0]?.type }));
  assert.deepEqual(back, { mark: null, nav: 'back_forward' }, 'a new document, not one restored from the cache');
  // Nothing of the old page came back: no link until the page makes an instance.
  assert.equal((await links(env.sim, account)).subscriptions, 0);
  t.id = await t.h.make(env.sim.options(account));
  await t.h.waitState(t.id, 'ready');
  assert.deepEqual(await presences(env.sim, account), ['ready', 'offline', 'ready']);
  assert.equal((await links(env.sim, account)).subscriptions, 1);

  // Closing the (last) tab closes its links. The SDK sends `offline` from
  // `pagehide` (keepalive fetch), but Firefox does not always deliver a
  // request started while its tab is being closed (measured: about one close
  // in two under load; a navigation away always delivers it, above), so here
  // it is checked only when it arrived (D98).
  await t.h.close();
  await waitFor(async () => (await links(env.sim, account)).subscriptions === 0, { ms: 3000, what: 'no subscription left' });
  const after = await presences(env.sim, account);
  assert.ok(after.length === 3 || (after.length === 4 && after[3] === 'offline'), after.join(','));
  if (after.length === 3) console.log('# Firefox did not deliver the keepalive offline of a closing tab this time');
});

test('the back/forward cache in Firefox: a page whose links are closed before leaving is restored, and the SDK is loaded', async () => {
  // The Chromium behaviour (D96) holds in Firefox only for a page without open
  // links: here the instance is destroyed first, so the page is cached.
  const account = 'fx-bfcache';
  const t = await openTab(account);
  await t.h.waitState(t.id, 'ready');
  assert.ok((await t.h.eval((i) => window.H.call(i, 'destroy'), t.id)).ok);
  await t.h.eval(() => {
    window.__persisted = null;
    window.addEventListener('pageshow', (e) => {
      window.__persisted = e.persisted;
    });
  });
  await t.h.page.goto(`${env.server.url}blank.html`);
  await t.h.page.evaluate(() => {
    setTimeout(() => history.back(), 0);
  });
  await waitFor(() => t.h.eval(() => window.__persisted === true), { what: 'pageshow with persisted' });
  // The restored page's SDK works: a new instance connects.
  const id = await t.h.make(env.sim.options(account));
  await t.h.waitState(id, 'ready');
  assert.deepEqual(await presences(env.sim, account), ['ready', 'offline', 'ready']);
  t.h.assertNoPageErrors();
});

test('background tab: timers clamped to one a second, yet a call rings at once and is answered', async () => {
  const account = 'fx-background';
  const t = await openTab(account);
  await t.h.waitState(t.id, 'ready');
  await t.h.eval(() => {
    window.__ticks = 0;
    setInterval(() => window.__ticks++, 100);
  });
  const other = await env.page();
  await other.goto(`${env.server.url}blank.html`);
  await other.bringToFront();
  await waitFor(() => t.h.eval(() => document.visibilityState === 'hidden'), { what: 'the agent tab hidden' });
  const t0 = await t.h.eval(() => window.__ticks);
  await new Promise((r) => setTimeout(r, 3000));
  const ticks = (await t.h.eval(() => window.__ticks)) - t0;
  // 30 in the foreground; Firefox clamps a background tab's timers to ≥ 1 s.
  assert.ok(ticks <= 5, `a 100 ms interval ran ${ticks} times in 3 s in a background tab`);
  const sent = Date.now();
  const { sid } = await env.sim.control('call', { account });
  await t.h.waitEvent(t.id, (e) => e.type === 'INCOMING_CALL' && e.data.sid === sid, 'INCOMING_CALL in the background tab', 2000);
  const rang = Date.now() - sent;
  assert.ok(rang < 1000, `rang after ${rang} ms`);
  assert.ok((await t.h.call(t.id, 'answer', sid)).ok);
  assert.equal(await t.h.state(t.id), 'busy');
  assert.ok((await t.h.call(t.id, 'hangUp', sid)).ok);
  assert.equal(await t.h.state(t.id), 'ready');
  t.h.assertNoPageErrors();
});

test('self-check passes in Firefox (its loopback-network permission reads prompt and stops nothing; no discarded page)', async () => {
  const account = 'fx-preflight';
  const h = await env.harness();
  const report = await h.eval((o) => RtVideo.preflight(o).then((r) => JSON.parse(JSON.stringify(r))), env.sim.options(account));
  const bad = report.checks.filter((c) => !c.ok).map((c) => `${c.check}: ${c.code} ${c.detail}`);
  assert.deepEqual(bad, []);
  assert.ok(report.ok);
  assert.deepEqual(
    report.checks.map((c) => c.check),
    ['engine', 'config', 'page', 'localNetwork', 'tabs', 'push', 'video', 'state', 'exe'],
  );
  assert.match(report.userAgent, /Firefox\//);
});
